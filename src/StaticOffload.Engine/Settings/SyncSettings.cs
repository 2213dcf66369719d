using StaticOffload.Rules;

namespace StaticOffload.Settings;

/// <summary>
/// A sync's settings exactly as the user wrote them: the StaticOffload* properties as text, items as their metadata.
/// Nothing here is parsed or defaulted; <see cref="SyncRequestBuilder"/> does that, in one place for every caller.
/// Blank text means "not set".
/// </summary>
public sealed record SyncSettings
{
    /// <summary>@(StaticOffloadFile).</summary>
    public IReadOnlyList<FileSetting> Files { get; init; } = [];

    /// <summary>@(StaticOffloadRedirect).</summary>
    public IReadOnlyList<RedirectSetting> Redirects { get; init; } = [];

    public string? Bucket { get; init; }

    public string? Prefix { get; init; }

    public string? Region { get; init; }

    public string? Profile { get; init; }

    public string? ServiceUrl { get; init; }

    /// <summary>AWS (default), R2, MinIO, B2 or Compatible: defaults for the three settings below.</summary>
    public string? Provider { get; init; }

    public string? ForcePathStyle { get; init; }

    public string? ChunkedUploads { get; init; }

    public string? ServerSideCopy { get; init; }

    public bool Delete { get; init; } = Defaults.Delete;

    public string? MaxDeletes { get; init; }

    public string? DeleteAfterDeploys { get; init; }

    public string? DeleteAfterHours { get; init; }

    public bool AllowShrink { get; init; }

    public bool AllowRootDelete { get; init; }

    public bool RemoteState { get; init; } = Defaults.RemoteState;

    public string? StateKey { get; init; }

    public string? StateBucket { get; init; }

    public bool Verify { get; init; }

    public bool DryRun { get; init; }

    public string? Concurrency { get; init; }

    /// <summary>Seconds the endpoint may stay silent.</summary>
    public string? Timeout { get; init; }

    public string? InvalidationMaxPaths { get; init; }

    public string SnapshotFile { get; init; } = "";

    public string? ReportFile { get; init; }
}

/// <summary>One @(StaticOffloadFile) item: its full path and metadata, as given.</summary>
/// <param name="RelativePath">%(RelativePath): the key below the prefix; when not set, <paramref name="FileName"/>.</param>
/// <param name="FileName">%(Filename)%(Extension).</param>
/// <param name="EntryFile">"true" for a page or other entry point, uploaded after the assets.</param>
public sealed record FileSetting(
    string FullPath,
    string? RelativePath,
    string FileName,
    HeaderMetadata Headers,
    string? EntryFile = null);

/// <summary>One @(StaticOffloadRedirect) item.</summary>
/// <param name="Key">The item's Include: the key below the prefix.</param>
/// <param name="Location">%(Location): where the redirect leads.</param>
public sealed record RedirectSetting(string Key, string? Location, string? ContentType = null, string? CacheControl = null);
