using StaticOffload.Rules;

namespace StaticOffload.Storage;

/// <summary>An object as a listing reports it.</summary>
public sealed record RemoteObject(string Key, long Size, string ETag, DateTimeOffset? LastModified = null);

/// <summary>One page of a listing, in the store's order.</summary>
/// <param name="ContinuationToken">Where the next page starts; null on the last page.</param>
public sealed record ListingPage(IReadOnlyList<RemoteObject> Objects, string? ContinuationToken);

/// <summary>A small object read whole (the sync state, the lease, the history), with the server's time of its last write.</summary>
/// <param name="TooLarge">The object's size when it is over the limit asked for: then it was not downloaded.</param>
/// <param name="ETag">Its ETag without quotes, for a later write conditional on it.</param>
/// <param name="NotModified">It still has the ETag the read named (304): nothing was downloaded.</param>
public sealed record StoredDocument(byte[] Body, DateTimeOffset? LastModified, long? TooLarge = null, string? ETag = null,
    bool NotModified = false);

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

    /// <summary>
    /// Gets ready, in the background, for requests that are likely to follow, while the caller goes on with local
    /// work. Sends nothing; a failure to get ready is reported by the first request, as it would have been.
    /// </summary>
    void Prepare();

    /// <summary>
    /// One page of the prefix's listing: the first page of the keys after <paramref name="startAfter"/> (null: from the
    /// start), or, with <paramref name="continuationToken"/>, the page that token names.
    /// </summary>
    Task<ListingPage> ListPageAsync(string prefix, string? startAfter, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>
    /// Proves with one cheap read under the prefix that the endpoint answers and takes the credentials, so a run that
    /// read nothing yet fails before its first change (the engine decides when, the store how). Throws the coded
    /// failure (no credentials, credentials rejected, no answer) when it does not.
    /// </summary>
    Task CheckAccessAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The headers the object carries, or null when it does not exist.</summary>
    Task<ObjectHeaders?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Uploads the file's bytes with the full header set; returns the object's ETag and version.</summary>
    Task<StoredObject> UploadAsync(string key, string path, long size, ObjectHeaders headers, string sha256,
        IProgress<long>? bytesSent, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads bytes already in memory (a small file read whole) with the full header set; returns the object's ETag
    /// and version. The digest is of exactly these bytes and holds their SHA-256 (object metadata and the signed payload hash).
    /// </summary>
    Task<StoredObject> UploadBytesAsync(string key, ArraySegment<byte> content, ObjectHeaders headers, Hashing.ContentDigest digest,
        CancellationToken cancellationToken);

    /// <summary>
    /// A server-side copy of <paramref name="source"/> to <paramref name="key"/> (onto itself to replace its headers, or
    /// from an earlier version to restore it), on the condition that the source still has the ETag
    /// <see cref="CopySource.IfETag"/>; null when the store refused because it has another. A store may ignore the
    /// condition: the caller checks the ETag returned.
    /// </summary>
    /// <param name="replaceMetadata">
    /// True: the object gets exactly <paramref name="headers"/> and <paramref name="sha256"/> (REPLACE). False: it keeps the
    /// source's headers and metadata (COPY); only what S3 never copies (ACL, storage class, redirect) is taken from
    /// <paramref name="headers"/>.
    /// </param>
    Task<StoredObject?> CopyAsync(CopySource source, string key, ObjectHeaders headers, string? sha256, bool replaceMetadata,
        CancellationToken cancellationToken);

    /// <summary>Every version of every object below the prefix, delete markers included (for a rollback).</summary>
    Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string prefix, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeleteFailure>> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a small private object whole (from the state bucket, which is the site's unless configured otherwise), or
    /// null when it does not exist. An object over <paramref name="maxBytes"/> is not downloaded: see
    /// <see cref="StoredDocument.TooLarge"/>. With <paramref name="ifNoneMatch"/>, an object that still has that ETag is
    /// not downloaded either (<see cref="StoredDocument.NotModified"/>); a store that ignores the condition sends it.
    /// </summary>
    Task<StoredDocument?> ReadDocumentAsync(string key, long maxBytes, CancellationToken cancellationToken, string? ifNoneMatch = null);

    /// <summary>
    /// Writes a small private object to the state bucket (never public, never cached), on
    /// <paramref name="condition"/>. A refused condition is an outcome, not an exception.
    /// </summary>
    Task<DocumentWrite> WriteDocumentAsync(string key, byte[] body, string contentType, WriteCondition condition,
        CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a private object of the state bucket if it still has the ETag <paramref name="ifMatch"/> (null: whatever
    /// it holds). Where the store refuses a conditional delete, the ETag is checked with a HEAD first. Deleting what is
    /// not there is done.
    /// </summary>
    Task<ConditionalOutcome> DeleteDocumentAsync(string key, string? ifMatch, CancellationToken cancellationToken);
}
