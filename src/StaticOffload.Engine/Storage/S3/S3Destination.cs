namespace StaticOffload.Storage.S3;

/// <summary>Where and how to connect. Credentials are not here: they come from the SDK's chain or a named profile.</summary>
public sealed record S3Destination
{
    public required string Bucket { get; init; }

    /// <summary>Normalized: "" or ending in '/'.</summary>
    public string Prefix { get; init; } = "";

    public string? Region { get; init; }

    public string? Profile { get; init; }

    /// <summary>An S3-compatible endpoint; null for AWS.</summary>
    public string? ServiceUrl { get; init; }

    public bool ForcePathStyle { get; init; }

    /// <summary>
    /// Where the sync state object lives when not in the site's bucket (a bucket that a policy makes world-readable
    /// would serve it to anyone); null for the site's bucket.
    /// </summary>
    public string? StateBucket { get; init; }

    /// <summary>
    /// False for stores that reject or corrupt the SDK's streaming (aws-chunked) uploads with trailing checksums:
    /// the body is then sent plain, with a checksum only where S3 requires one.
    /// </summary>
    public bool ChunkedUploads { get; init; } = true;

    /// <summary>False for stores without CopyObject-onto-itself: header changes are then applied by re-uploading.</summary>
    public bool ServerSideCopy { get; init; } = true;

    /// <summary>What the plan may ask of this store.</summary>
    public Planning.StoreCapabilities Capabilities =>
        ServerSideCopy ? Planning.StoreCapabilities.S3 : Planning.StoreCapabilities.NoCopy;

    public bool SupportsAcl { get; init; } = true;

    public bool SupportsRedirects { get; init; } = true;

    /// <summary>Region to sign with when none is configured (e.g. "auto" for R2).</summary>
    public string? SigningRegion { get; init; }

    public int MaxConnections { get; init; } = Defaults.Concurrency;

    /// <summary>
    /// StaticOffloadTimeout: the longest the endpoint may stay silent (nothing sent or received) before a request is
    /// cut, and, when no request at all made progress for this long, before the run fails.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(Defaults.TimeoutSeconds);

    /// <summary>"s3://bucket/prefix/": what the bucket's state object names as its site, without the endpoint.</summary>
    public string Location => $"s3://{Bucket}/{Prefix}";

    /// <summary>What logs, reports and the snapshot show: never the endpoint's user-info or query.</summary>
    public string Describe() =>
        $"s3://{Bucket}/{Prefix}" + (string.IsNullOrEmpty(ServiceUrl) ? "" : $" at {ServiceEndpoint.Display(ServiceUrl)}");

    /// <summary>Not the record's default, which would print <see cref="ServiceUrl"/> as given.</summary>
    public override string ToString() => Describe();
}
