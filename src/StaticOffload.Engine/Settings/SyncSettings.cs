using StaticOffload.Rules;

namespace StaticOffload.Settings;

/// <summary>
/// A sync's settings exactly as the user wrote them: the StaticOffload* properties as text, items as their metadata.
/// Nothing here is parsed or defaulted; <see cref="SyncRequestBuilder"/> does that, in one place for every caller.
/// Blank text means "not set". Each is the sync task's parameter of the same name: the snapshot file, which a sync
/// cannot do without, by position; the others by name, in an initializer
/// (<c>new(snapshotFile) { Bucket = ..., Prefix = ... }</c>).
/// </summary>
/// <param name="Provider">AWS (default), R2, MinIO, B2 or Compatible: defaults for ForcePathStyle, ChunkedUploads and
/// ServerSideCopy.</param>
/// <param name="Timeout">Seconds the endpoint may stay silent.</param>
/// <param name="LockTimeout">Seconds to wait for another deploy's lease (and this project's snapshot lock).</param>
/// <param name="SourceRevisionId">The source revision deployed, for the deploy history (MSBuild's SourceRevisionId).</param>
public sealed record SyncSettings(
    string SnapshotFile,
    string? Bucket = null, string? Prefix = null,
    string? Region = null, string? Profile = null, string? ServiceUrl = null,
    string? Provider = null, string? ForcePathStyle = null, string? ChunkedUploads = null, string? ServerSideCopy = null,
    bool Delete = Defaults.Delete, string? MaxDeletes = null, bool AllowRootDelete = false,
    string? DeleteAfterDeploys = null, string? DeleteAfterHours = null, bool AllowShrink = false,
    bool RemoteState = Defaults.RemoteState, string? StateKey = null, string? StateBucket = null, bool Verify = false,
    bool DryRun = false, bool Force = Defaults.Force, string? CloudFrontDistributionId = null, bool CloudFrontWait = Defaults.CloudFrontWait, string? Concurrency = null, string? Timeout = null,
    string? InvalidationMaxPaths = null, string? ReportFile = null,
    string? LockTimeout = null, bool RequireCoordination = Defaults.RequireCoordination, string? HistoryDepth = null, string? SourceRevisionId = null)
{
    /// <summary>@(StaticOffloadFile).</summary>
    public IReadOnlyList<FileSetting> Files { get; init; } = [];

    /// <summary>@(StaticOffloadRedirect).</summary>
    public IReadOnlyList<RedirectSetting> Redirects { get; init; } = [];
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
