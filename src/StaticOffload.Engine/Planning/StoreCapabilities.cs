namespace StaticOffload.Planning;

/// <summary>
/// What the store can do, as far as the plan needs to know: whether a header change can be a server-side copy (and up
/// to which size), or must be an upload. Decided in the plan, so a dry run shows what will be sent.
/// </summary>
/// <param name="ServerSideCopy">CopyObject onto the same key with a REPLACE directive works.</param>
/// <param name="MaxCopySize">The largest object a single CopyObject can copy (S3: 5 GB).</param>
public sealed record StoreCapabilities(bool ServerSideCopy, long MaxCopySize)
{
    /// <summary>How files are sent, and so which ETag they get.</summary>
    public Hashing.UploadLayout Layout { get; init; } = Hashing.UploadLayout.S3;

    /// <summary>S3's limit for a single CopyObject.</summary>
    public const long S3MaxCopySize = 5L * 1024 * 1024 * 1024;

    public static StoreCapabilities S3 { get; } = new(ServerSideCopy: true, S3MaxCopySize);

    public static StoreCapabilities NoCopy { get; } = new(ServerSideCopy: false, 0);

    /// <summary>Whether the headers of an object of this size, with this recorded ETag, can be replaced by a copy.</summary>
    public bool CanCopy(long size, string? recordedETag) =>
        ServerSideCopy && size <= MaxCopySize && !string.IsNullOrEmpty(recordedETag);
}
