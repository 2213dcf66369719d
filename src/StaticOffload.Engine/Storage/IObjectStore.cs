using StaticOffload.Rules;

namespace StaticOffload.Storage;

/// <summary>An object as a listing reports it.</summary>
public sealed record RemoteObject(string Key, long Size, string ETag, DateTimeOffset? LastModified = null);

/// <summary>A small object read whole (the sync state), with the server's time of its last write.</summary>
/// <param name="TooLarge">The object's size when it is over the limit asked for: then it was not downloaded.</param>
public sealed record StoredDocument(byte[] Body, DateTimeOffset? LastModified, long? TooLarge = null);

/// <summary>The outcome of one key in a batch delete; S3 answers 200 with per-key errors.</summary>
public sealed record DeleteFailure(string Key, string Code, string Message);

/// <summary>
/// The few bucket operations a sync needs. The S3 implementation is the only one in the product; tests run it
/// against a real S3-compatible server, never a fake.
/// </summary>
public interface IObjectStore
{
    /// <summary>Where the objects go, for messages and the snapshot ("s3://bucket/prefix" plus the endpoint).</summary>
    string Destination { get; }

    Task<IReadOnlyList<RemoteObject>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Proves with one cheap read under the prefix that the endpoint answers and takes the credentials, so a run that
    /// read nothing yet fails before its first change (the engine decides when, the store how). Throws the coded
    /// failure (no credentials, credentials rejected, no answer) when it does not.
    /// </summary>
    Task CheckAccessAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The headers the object carries, or null when it does not exist.</summary>
    Task<ObjectHeaders?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Uploads the file's bytes with the full header set; returns the object's ETag.</summary>
    Task<string> UploadAsync(string key, string path, long size, ObjectHeaders headers, string sha256,
        IProgress<long>? bytesSent, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads bytes already in memory (a small file read whole) with the full header set; returns the object's ETag.
    /// The digest is of exactly these bytes and holds their SHA-256 (object metadata and the signed payload hash).
    /// </summary>
    Task<string> UploadBytesAsync(string key, ArraySegment<byte> content, ObjectHeaders headers, Hashing.ContentDigest digest,
        CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the object's headers in place (server-side copy), on the condition that the object still has the ETag
    /// <paramref name="ifETag"/>; returns the ETag the copy reports, or null when the store refused because the object
    /// has another ETag. A store may ignore the condition: the caller checks the ETag returned.
    /// </summary>
    Task<string?> UpdateHeadersAsync(string key, ObjectHeaders headers, string sha256, string ifETag,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<DeleteFailure>> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a small private object whole (from the state bucket, which is the site's unless configured otherwise), or
    /// null when it does not exist. An object over <paramref name="maxBytes"/> is not downloaded: see
    /// <see cref="StoredDocument.TooLarge"/>.
    /// </summary>
    Task<StoredDocument?> ReadDocumentAsync(string key, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Writes a small private object to the state bucket (never public, never cached).</summary>
    Task WriteDocumentAsync(string key, byte[] body, string contentType, CancellationToken cancellationToken);
}
