using StaticOffload.Rules;
using StaticOffload.Storage.S3;

namespace StaticOffload.Sync;

/// <summary>A file to mirror as the task hands it over: its rules already applied.</summary>
/// <param name="RelativePath">The key below the prefix, forward slashes.</param>
public sealed record SyncFile(string FullPath, string RelativePath, ObjectHeaders Headers, bool EntryFile);

/// <summary>Everything one sync needs, as plain values: the MSBuild task builds it, tests build it directly.</summary>
public sealed record SyncRequest
{
    public required IReadOnlyList<SyncFile> Files { get; init; }

    public required S3Destination Destination { get; init; }

    public required string SnapshotPath { get; init; }

    public bool DeleteRemoved { get; init; } = true;

    public int MaxDeletes { get; init; } = 256;

    public bool DryRun { get; init; }

    public int Concurrency { get; init; } = 16;
}
