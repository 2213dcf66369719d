using StaticOffload.Files;

namespace StaticOffload;

/// <summary>
/// Every default value of the package, in one place: the engine falls back to these, the tasks and settings builders
/// use them for unset properties, and build/StaticOffload.Build.props states the same values for users to read and
/// override (DefaultsTests holds the two together).
/// </summary>
public static class Defaults
{
    /// <summary>StaticOffloadDelete: keys that left the publish output are deleted.</summary>
    public const bool Delete = true;

    /// <summary>StaticOffloadMaxDeletes: more deletions than this in one run fail with SO1010.</summary>
    public const int MaxDeletes = 256;

    /// <summary>
    /// StaticOffloadConcurrency: objects sent at once (a large file's parts: <see cref="PartsInFlight"/> each). 32, not 16: on the benchmark's 10,000 small files, 32 finished a
    /// first upload in 5.4 s against 6.4 s, with less CPU on both sides (more requests complete per wake-up); 64
    /// gained nothing more.
    /// </summary>
    public const int Concurrency = 32;

    /// <summary>
    /// Parts of one large file in flight at once (rclone's default too). One at a time, the largest file of a site was
    /// the last upload running, part after part, long after the others: on the benchmark's 20 videos the last 1.4 s
    /// of a 5.4 s upload had one to three requests in flight.
    /// </summary>
    public const int PartsInFlight = 4;

    /// <summary>The most requests in flight StaticOffloadConcurrency may ask for.</summary>
    public const int MaxConcurrency = 256;

    /// <summary>StaticOffloadTimeout: seconds the endpoint may stay silent before a request is cut (SO1029).</summary>
    public const int TimeoutSeconds = 60;

    /// <summary>StaticOffloadRemoteState: a copy of the sync state is kept in the bucket.</summary>
    public const bool RemoteState = true;

    /// <summary>StaticOffloadInvalidationMaxPaths: above this many, the CDN paths collapse to one wildcard.</summary>
    public const int InvalidationMaxPaths = 15;

    /// <summary>StaticOffloadCompressedAssets.</summary>
    public const CompressedAssetMode CompressedAssets = CompressedAssetMode.Skip;

    /// <summary>StaticOffloadEndpointHeaders: headers come from the endpoints manifest where it names the file.</summary>
    public const bool HeadersFromEndpoints = true;

    /// <summary>The folder of the publish output that the endpoints manifest's asset paths are relative to.</summary>
    public const string WebRoot = "wwwroot";

    /// <summary>Content-Type of a StaticOffloadRedirect object without its own: a browser that gets the object shows a page.</summary>
    public const string RedirectContentType = "text/html";

    /// <summary>Cache-Control of a StaticOffloadRedirect object without its own: a moved redirect is seen at once.</summary>
    public const string RedirectCacheControl = "public, max-age=0, must-revalidate";

    /// <summary>
    /// StaticOffloadLockTimeout: seconds a deploy waits for another deploy's lease on the same prefix (and for another
    /// sync of the same snapshot) before it fails with SO1034. Five minutes: longer than a dead deploy's lease lives, so
    /// a waiting deploy always outlasts one that died.
    /// </summary>
    public const int LockTimeoutSeconds = 300;

    /// <summary>A deploy lease not renewed for this many seconds has expired (a live deploy renews it every 40 s).</summary>
    public const int LeaseSeconds = 120;

    /// <summary>StaticOffloadRequireCoordination: a store without conditional writes is a warning (SO2011), not an error.</summary>
    public const bool RequireCoordination = false;

    /// <summary>StaticOffloadForce: a run sends only what changed.</summary>
    public const bool Force = false;

    /// <summary>StaticOffloadCloudFrontWait: a deploy does not wait for its CloudFront invalidation to complete.</summary>
    public const bool CloudFrontWait = false;

    /// <summary>StaticOffloadHistoryDepth: how many deploys the history keeps (and so how far back a rollback reaches).</summary>
    public const int HistoryDepth = 20;
}
