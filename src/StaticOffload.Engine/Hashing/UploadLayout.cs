namespace StaticOffload.Hashing;

/// <summary>
/// How the store is sent a file: in one request below <see cref="MultipartThreshold"/>, else in parts of
/// <see cref="PartSize"/>. It decides the ETag the object gets (the MD5, or md5(part MD5s)-N), so the planner's content
/// comparison, the hashing and the uploads all read it from here, never from the storage code.
/// </summary>
public sealed record UploadLayout(long PartSize, long MultipartThreshold)
{
    /// <summary>8 MiB parts from 8 MiB up, as the AWS CLI uploads: its ETags and ours agree.</summary>
    public static UploadLayout S3 { get; } = new(8L * 1024 * 1024, 8L * 1024 * 1024);

    public bool IsMultipart(long size) => size >= MultipartThreshold;

    public int PartCount(long size) => (int)((size + PartSize - 1) / PartSize);

    /// <summary>All the digests of a file as this layout uploads it: whole-file MD5 and SHA-256, and its ETag.</summary>
    public Task<ContentDigest> HashFileAsync(string path, CancellationToken cancellationToken) =>
        ContentHasher.HashFileAsync(path, PartSize, MultipartThreshold, cancellationToken);

    /// <summary>The digests <paramref name="kinds"/> asks for, as this layout uploads the file, from one read.</summary>
    public ContentDigest HashFile(string path, DigestKinds kinds, CancellationToken cancellationToken) =>
        ContentHasher.HashFile(path, kinds, this, cancellationToken);
}
