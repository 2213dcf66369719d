using StaticOffload.Rules;
using StaticOffload.Storage.S3;

namespace StaticOffload.Sync;

/// <summary>A file to mirror as the task hands it over: its rules already applied.</summary>
/// <param name="FullPath">The local file; empty for a redirect, whose object has no content.</param>
/// <param name="RelativePath">The key below the prefix, forward slashes.</param>
public sealed record SyncFile(string FullPath, string RelativePath, ObjectHeaders Headers, bool EntryFile)
{
    public bool IsRedirect => FullPath.Length == 0;

    public static SyncFile Redirect(string relativePath, string location, ObjectHeaders headers) =>
        new("", relativePath, headers with { RedirectLocation = location }, EntryFile: true);
}

/// <summary>Everything one sync needs, as plain values: the MSBuild task builds it, tests build it directly.</summary>
public sealed record SyncRequest
{
    public required IReadOnlyList<SyncFile> Files { get; init; }

    public required S3Destination Destination { get; init; }

    public required string SnapshotPath { get; init; }

    public bool DeleteRemoved { get; init; } = Defaults.Delete;

    public int MaxDeletes { get; init; } = Defaults.MaxDeletes;

    public bool DryRun { get; init; }

    /// <summary>Requests in flight (see <see cref="Defaults.Concurrency"/>).</summary>
    public int Concurrency { get; init; } = Defaults.Concurrency;

    /// <summary>Keep removed keys until they have been gone for more than this many deploys.</summary>
    public int DeleteAfterDeploys { get; init; }

    /// <summary>Keep removed keys until they have been gone for at least this long.</summary>
    public TimeSpan DeleteAfterAge { get; init; }

    /// <summary>Accept a publish output that shrank to under half of the previous deploy.</summary>
    public bool AllowShrink { get; init; }

    /// <summary>Keep a copy of the sync state in the bucket (under the prefix's ".staticoffload/").</summary>
    public bool RemoteState { get; init; } = Defaults.RemoteState;

    /// <summary>
    /// The key of the sync state object; null for <c>&lt;prefix&gt;.staticoffload/state.json.gz</c>. In the site's
    /// bucket it must lie outside the prefix or in its reserved folder; with <see cref="S3Destination.StateBucket"/> it
    /// can be anything.
    /// </summary>
    public string? StateKey { get; init; }

    /// <summary>The state object's key as used: <see cref="StateKey"/> or the default below the prefix.</summary>
    public string EffectiveStateKey => StateKey ?? Snapshot.RemoteState.Key(Destination.Prefix);

    /// <summary>
    /// Reconcile with the bucket listing even when a local snapshot exists, to repair objects deleted or changed
    /// behind the sync's back (drift the snapshot alone cannot see).
    /// </summary>
    public bool Verify { get; init; }

    /// <summary>StaticOffloadCloudFrontDistributionId (and its wait): one invalidation per deploy that changed cached paths.</summary>
    public Cdn.CloudFrontSettings? CloudFront { get; init; }

    /// <summary>StaticOffloadForce: re-send every file (content and headers) as a repair; see <see cref="Planning.SyncPlanner"/>.</summary>
    public bool Force { get; init; }

    /// <summary>With no prefix, deleting objects this package never recorded needs this explicit opt-in.</summary>
    public bool AllowRootDelete { get; init; }

    /// <summary>Where to write the JSON report of the run; none when empty.</summary>
    public string? ReportPath { get; init; }

    /// <summary>A markdown file to append a summary table to (GitHub Actions' GITHUB_STEP_SUMMARY).</summary>
    public string? MarkdownSummaryPath { get; init; }

    /// <summary>Above this many CDN paths to invalidate, <see cref="SyncResult.InvalidationPaths"/> is one wildcard on the prefix.</summary>
    public int InvalidationMaxPaths { get; init; } = Defaults.InvalidationMaxPaths;

    /// <summary>
    /// StaticOffloadLockTimeout: how long to wait for another deploy's lease on the prefix, and for another sync of the
    /// same snapshot on this machine, before failing.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.LockTimeoutSeconds);

    /// <summary>How long a deploy lease lives unless renewed (a deploy renews it three times as often).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(Defaults.LeaseSeconds);

    /// <summary>StaticOffloadRequireCoordination: a store without conditional writes fails the deploy (SO1036).</summary>
    public bool RequireCoordination { get; init; } = Defaults.RequireCoordination;

    /// <summary>StaticOffloadHistoryDepth: deploys kept in the bucket's deploy history; 0 keeps none.</summary>
    public int HistoryDepth { get; init; } = Defaults.HistoryDepth;

    /// <summary>Who deploys, for the lease and the history; null for this machine's environment.</summary>
    public Coordination.DeployIdentity? Identity { get; init; }

    /// <summary>The identity as used: <see cref="Identity"/>, or this machine's environment when it is not set.</summary>
    public Coordination.DeployIdentity EffectiveIdentity => Identity ?? Coordination.DeployIdentity.Current(null);

    /// <summary>How often a long sync reports progress and saves a checkpoint of the snapshot.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(3);
}
