using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Rules;

namespace StaticOffload.Storage.S3;

/// <summary>The bucket operations of a sync, over the AWS SDK.</summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly Lazy<IAmazonS3> _client;
    private readonly S3Destination _destination;

    public S3ObjectStore(IAmazonS3 client, S3Destination destination)
        : this(new Lazy<IAmazonS3>(client), destination)
    {
    }

    /// <summary>
    /// Creates the client on the first request: a publish with nothing to sync sends none, and should not pay for
    /// resolving credentials and warming up the SDK either.
    /// </summary>
    public S3ObjectStore(S3Destination destination)
        : this(new Lazy<IAmazonS3>(() => S3ClientFactory.Create(destination)), destination)
    {
    }

    private S3ObjectStore(Lazy<IAmazonS3> client, S3Destination destination)
    {
        _client = client;
        _destination = destination;
    }

    private IAmazonS3 Client => _client.Value;

    private int _prepared;

    /// <summary>
    /// Makes the SDK's configuration ready on a pool thread (<see cref="S3ClientFactory.WarmUp"/>): 27 of the 40 ms a
    /// client takes in a fresh build process, which a deploy of a few changed files otherwise waits for after planning.
    /// The client itself, with its credentials, is still made by the first request.
    /// </summary>
    public void Prepare()
    {
        if (!_client.IsValueCreated && Interlocked.Exchange(ref _prepared, 1) == 0)
        {
            // Observed here: a configuration that cannot be made is the first request's to report, as it was.
            _ = Task.Run(() => S3ClientFactory.WarmUp(_destination)).ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>Parts and the multipart threshold, as the engine plans them (8 MiB for S3, as the AWS CLI).</summary>
    private Hashing.UploadLayout Layout => _destination.Capabilities.Layout;

    /// <summary>The object metadata key that holds the content's SHA-256 (sent as x-amz-meta-sha256).</summary>
    public const string Sha256MetadataKey = "sha256";

    public string Destination => _destination.Describe();

    public async Task<ListingPage> ListPageAsync(string prefix, string? startAfter, string? continuationToken, CancellationToken cancellationToken)
    {
        // URL-encoded keys: a key with a control character (XML 1.0 cannot carry it) must not make the listing, and so
        // every later sync, fail. The SDK decodes them again.
        var request = new ListObjectsV2Request
        {
            BucketName = _destination.Bucket,
            Prefix = prefix,
            Encoding = EncodingType.Url,
            StartAfter = startAfter,
            ContinuationToken = continuationToken,
        };
        var response = await Call(() => Client.ListObjectsV2Async(request, cancellationToken), prefix).ConfigureAwait(false);
        // Decoded only when the store says it encoded them (one that ignores the parameter sends them as they are).
        var encoded = response.Encoding == EncodingType.Url;
        var objects = new List<RemoteObject>(response.S3Objects?.Count ?? 0);
        foreach (var o in response.S3Objects ?? [])
        {
            objects.Add(new RemoteObject(encoded ? WebUtility.UrlDecode(o.Key) : o.Key, o.Size ?? 0, o.ETag ?? "",
                o.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : null));
        }

        if (response.IsTruncated == true && string.IsNullOrEmpty(response.NextContinuationToken))
        {
            throw new SyncFailedException(Messages.TruncatedListing(Destination));
        }

        return new ListingPage(objects, string.IsNullOrEmpty(response.NextContinuationToken) ? null : response.NextContinuationToken);
    }

    public async Task CheckAccessAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _destination.Bucket, Prefix = prefix, MaxKeys = 1 };
        await Call(() => Client.ListObjectsV2Async(request, cancellationToken), prefix).ConfigureAwait(false);
    }

    public async Task<ObjectHeaders?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = _destination.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return new ObjectHeaders(
                response.Headers.ContentType ?? ContentTypeMap.Fallback,
                Text.NullIfBlank(response.Headers.CacheControl),
                Text.NullIfBlank(response.Headers.ContentEncoding),
                Text.NullIfBlank(response.StorageClass?.Value),
                RedirectLocation: Text.NullIfBlank(response.WebsiteRedirectLocation));
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket")
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }
    }

    public async Task<StoredObject> UploadAsync(string key, string path, long size, ObjectHeaders headers, string sha256,
        IProgress<long>? bytesSent, CancellationToken cancellationToken)
    {
        if (Layout.IsMultipart(size))
        {
            return await UploadMultipartAsync(key, path, size, headers, sha256, bytesSent, cancellationToken).ConfigureAwait(false);
        }

        var request = new PutObjectRequest
        {
            BucketName = _destination.Bucket,
            Key = key,
            ContentType = headers.ContentType,
            // The SDK announces aws-chunked framing by appending it to the request's Content-Encoding
            // ("gzip, aws-chunked"). S3 strips it again; other stores (moto) keep it, and no browser decodes that.
            // An object with an encoding of its own goes plain: the signature covers the body's SHA-256.
            UseChunkEncoding = _destination.ChunkedUploads && headers.ContentEncoding is null,
            AutoCloseStream = true,
            WebsiteRedirectLocation = headers.RedirectLocation,
        };
        if (path.Length == 0)
        {
            // A redirect: an empty object whose only content is its x-amz-website-redirect-location header.
            request.InputStream = new MemoryStream([], writable: false);
        }
        else
        {
            request.FilePath = path;
        }

        ApplyHeaders(request.Headers, request.Metadata, headers, sha256);
        request.StorageClass = StorageClass(headers);
        request.CannedACL = Acl(headers);
        // No StreamTransferProgress here: the SDK raises it per buffer through a background dispatcher (a thread
        // wake-up each time, ~7% of the CPU of a 10,000-file upload) and counts the aws-chunked framing as file
        // bytes. A single PUT is below the multipart threshold; the caller counts it when it completes.
        var response = await Call(() => Client.PutObjectAsync(request, cancellationToken), key, headers.Acl).ConfigureAwait(false);
        return Stored(response.ETag, response.VersionId);
    }

    public async Task<StoredObject> UploadBytesAsync(string key, ArraySegment<byte> content, ObjectHeaders headers,
        Hashing.ContentDigest digest, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _destination.Bucket,
            Key = key,
            ContentType = headers.ContentType,
            InputStream = new MemoryStream(content.Array!, content.Offset, content.Count, writable: false),
            // The body is in memory, so the signature can cover it whole: one SHA-256 pass instead of aws-chunked
            // framing (a signed chunk every 80 KB, a trailing checksum and a copy of every byte), and a request every
            // S3-compatible store accepts. The signed SHA-256 lets the server reject bytes damaged on the way, so no
            // Content-MD5 (an MD5 pass over every byte) is sent.
            UseChunkEncoding = false,
            WebsiteRedirectLocation = headers.RedirectLocation,
        };
        // The SHA-256 the metadata carries is the payload hash the signature needs: given, the SDK does not hash the
        // body a second time.
        request.Headers["x-amz-content-sha256"] = digest.Sha256;
        if (_destination.ChunkedUploads)
        {
            // Where the store takes the SDK's checksums (AWS), the object keeps its CRC-32 as with any other upload.
            // Given here from the span in one vectorized pass; the SDK would read the stream again in 4 KB copies.
            request.ChecksumCRC32 = Crc32Base64(content);
        }

        ApplyHeaders(request.Headers, request.Metadata, headers, digest.Sha256);
        request.StorageClass = StorageClass(headers);
        request.CannedACL = Acl(headers);
        var response = await Call(() => Client.PutObjectAsync(request, cancellationToken), key, headers.Acl).ConfigureAwait(false);
        return Stored(response.ETag, response.VersionId);
    }

    /// <summary>The ETag without quotes, and the version id where the bucket keeps versions ("null" is S3's word for none).</summary>
    private static StoredObject Stored(string? etag, string? versionId) =>
        new(Hashing.S3ETag.Normalize(etag), string.IsNullOrEmpty(versionId) || versionId == "null" ? null : versionId);

    /// <summary>The x-amz-checksum-crc32 form: the CRC-32 big-endian, in base64.</summary>
    public static string Crc32Base64(ReadOnlySpan<byte> content)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, System.IO.Hashing.Crc32.HashToUInt32(content));
        return Convert.ToBase64String(bytes);
    }

    private async Task<StoredObject> UploadMultipartAsync(string key, string path, long size, ObjectHeaders headers,
        string? sha256, IProgress<long>? bytesSent, CancellationToken cancellationToken, string? bucket = null,
        WriteCondition? condition = null)
    {
        bucket ??= _destination.Bucket;
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = headers.ContentType,
            StorageClass = StorageClass(headers),
            CannedACL = Acl(headers),
            WebsiteRedirectLocation = headers.RedirectLocation,
        };
        ApplyHeaders(initiate.Headers, initiate.Metadata, headers, sha256);
        var upload = await Call(() => Client.InitiateMultipartUploadAsync(initiate, cancellationToken), key, headers.Acl).ConfigureAwait(false);
        try
        {
            var partCount = Layout.PartCount(size);
            var parts = new PartETag[partCount];
            // A few parts at a time, each read from the file at its own offset; the first failure stops the others.
            await Parallel.ForEachAsync(Enumerable.Range(1, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = Defaults.PartsInFlight, CancellationToken = cancellationToken },
                async (part, token) =>
                {
                    var position = (part - 1) * Layout.PartSize;
                    var length = Math.Min(Layout.PartSize, size - position);
                    var request = new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = upload.UploadId,
                        PartNumber = part,
                        FilePath = path,
                        FilePosition = position,
                        PartSize = length,
                        UseChunkEncoding = _destination.ChunkedUploads,
                    };
                    var response = await Call(() => Client.UploadPartAsync(request, token), key).ConfigureAwait(false);
                    parts[part - 1] = new PartETag(part, response.ETag);
                    bytesSent?.Report(length);
                }).ConfigureAwait(false);

            try
            {
                var complete = await Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartETags = [.. parts],
                    IfNoneMatch = condition?.IfAbsent == true ? "*" : null,
                    IfMatch = condition?.IfMatch is { } ifMatch ? $"\"{ifMatch}\"" : null,
                }, cancellationToken).ConfigureAwait(false);
                return Stored(complete.ETag, complete.VersionId);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload" && sha256 is not null)
            {
                // The SDK retried a Complete whose first answer was lost on the way back: the upload is already
                // the object. Accepted only if the object there is this content.
                var head = await Client.GetObjectMetadataAsync(
                    new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                if (head.ContentLength == size && head.Metadata["x-amz-meta-" + Sha256MetadataKey] == sha256)
                {
                    return Stored(head.ETag, head.VersionId);
                }

                throw;
            }
        }
        catch
        {
            // An abandoned upload keeps its parts (and their storage cost) until aborted.
            try
            {
                await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The original failure is the one worth reporting; a lifecycle rule cleans up what remains.
            }

            throw;
        }
    }

    public async Task<StoredObject?> CopyAsync(CopySource source, string key, ObjectHeaders headers, string? sha256,
        bool replaceMetadata, CancellationToken cancellationToken)
    {
        var request = new CopyObjectRequest
        {
            SourceBucket = _destination.Bucket,
            SourceKey = source.Key,
            SourceVersionId = source.VersionId,
            DestinationBucket = _destination.Bucket,
            DestinationKey = key,
            // x-amz-copy-source-if-match: copy only the object recorded with this content, not what someone else
            // wrote there since.
            ETagToMatch = $"\"{source.IfETag}\"",
            // S3 copies none of these, whichever the directive: an object keeps its ACL, storage class and redirect only
            // when they are sent again.
            StorageClass = StorageClass(headers),
            CannedACL = Acl(headers),
            WebsiteRedirectLocation = headers.RedirectLocation,
        };
        if (replaceMetadata)
        {
            // REPLACE replaces every header, so the complete set is sent, never a diff.
            request.MetadataDirective = S3MetadataDirective.REPLACE;
            request.ContentType = headers.ContentType;
            ApplyHeaders(request.Headers, request.Metadata, headers, sha256);
        }
        else
        {
            request.MetadataDirective = S3MetadataDirective.COPY;
        }

        try
        {
            var response = await Client.CopyObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return Stored(response.ETag, response.VersionId);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key, headers.Acl);
        }
    }

    public async Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string prefix, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = _destination.Bucket, Prefix = prefix };
        while (true)
        {
            var response = await Call(() => Client.ListVersionsAsync(request, cancellationToken), prefix).ConfigureAwait(false);
            foreach (var v in response.Versions ?? [])
            {
                if (string.IsNullOrEmpty(v.VersionId) || v.VersionId == "null")
                {
                    continue;
                }

                versions.Add(new ObjectVersion(v.Key, v.VersionId, Hashing.S3ETag.Normalize(v.ETag), v.IsLatest == true,
                    v.IsDeleteMarker == true, v.Size ?? 0));
            }

            if (response.IsTruncated != true)
            {
                return versions;
            }

            if (string.IsNullOrEmpty(response.NextKeyMarker))
            {
                throw new SyncFailedException(Messages.TruncatedListing(Destination));
            }

            request.KeyMarker = response.NextKeyMarker;
            request.VersionIdMarker = response.NextVersionIdMarker;
        }
    }

    public async Task<IReadOnlyList<DeleteFailure>> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        // The last line of defence: whatever planned it, nothing outside the prefix (or in the reserved folder) is deleted.
        // Keys are planned in Unicode NFC (RequestNormalizer), so the prefix is compared in that form too.
        var prefix = _destination.Prefix.Normalize(System.Text.NormalizationForm.FormC);
        if (keys.FirstOrDefault(k => !ObjectKeys.IsManaged(prefix, k)) is { } outside)
        {
            throw new SyncFailedException(Messages.DeleteOfUnmanagedKey(ObjectKeys.Printable(outside), Destination));
        }

        var failures = new List<DeleteFailure>();
        // DeleteObjects takes at most 1000 keys per request.
        foreach (var batch in keys.Chunk(1000))
        {
            var request = new DeleteObjectsRequest
            {
                BucketName = _destination.Bucket,
                Objects = batch.Select(k => new KeyVersion { Key = k }).ToList(),
                Quiet = true,
            };
            DeleteObjectsResponse response;
            try
            {
                response = await Client.DeleteObjectsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest
                                                   && ex.ErrorCode is "NotImplemented" or "InvalidRequest" or "MissingContentMD5" or "BadDigest" or "InvalidArgument")
            {
                // Some stores refuse the batch call (or the CRC32 header the SDK always sends with it): one by one.
                failures.AddRange(await DeleteOneByOneAsync(batch, cancellationToken).ConfigureAwait(false));
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Failure(ex, batch[0]);
            }

            failures.AddRange((response.DeleteErrors ?? []).Select(e => new DeleteFailure(e.Key, e.Code, e.Message)));
        }

        return failures;
    }

    private async Task<IReadOnlyList<DeleteFailure>> DeleteOneByOneAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var failures = new List<DeleteFailure>();
        foreach (var key in keys)
        {
            try
            {
                await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _destination.Bucket, Key = key }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex)
            {
                failures.Add(new DeleteFailure(key, ex.ErrorCode, ex.Message));
            }
        }

        return failures;
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, long maxBytes, CancellationToken cancellationToken,
        string? ifNoneMatch = null)
    {
        // The SDK retries a request whose answer fails in transit, but not a body (or an error document) cut off
        // while it is read here: retried as a whole, like the SDK would.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReadDocumentOnceAsync(key, maxBytes, ifNoneMatch, cancellationToken).ConfigureAwait(false);
            }
            catch (SyncFailedException ex) when (attempt < 4 && ex.InnerException is not AmazonS3Exception { StatusCode: not 0 } && !ex.IsFinal)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string StateBucket => _destination.StateBucket ?? _destination.Bucket;

    private async Task<StoredDocument?> ReadDocumentOnceAsync(string key, long maxBytes, string? ifNoneMatch,
        CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectRequest { BucketName = StateBucket, Key = key };
            if (ifNoneMatch is not null)
            {
                request.EtagToNotMatch = $"\"{ifNoneMatch}\"";
            }

            using var response = await Client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            DateTimeOffset? modified = response.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : null;
            var etag = Hashing.S3ETag.Normalize(response.ETag);
            if (response.HttpStatusCode == HttpStatusCode.NotModified)
            {
                return new StoredDocument([], modified, ETag: ifNoneMatch, NotModified: true);
            }

            if (response.ContentLength > maxBytes)
            {
                return new StoredDocument([], modified, response.ContentLength, etag);
            }

            // Bounded while it is read too: a body longer than its Content-Length said is not read to the end.
            using var memory = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (memory.Length + read > maxBytes)
                {
                    return new StoredDocument([], modified, memory.Length + read, etag);
                }

                memory.Write(buffer, 0, read);
            }

            return new StoredDocument(memory.ToArray(), modified, ETag: etag);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket")
        {
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotModified && ifNoneMatch is not null)
        {
            return new StoredDocument([], null, ETag: ifNoneMatch, NotModified: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }
    }

    public async Task<DocumentWrite> WriteDocumentAsync(string key, byte[] body, string contentType, WriteCondition condition,
        CancellationToken cancellationToken)
    {
        try
        {
            if (Layout.IsMultipart(body.Length))
            {
                // A very large site's state: in parts, like any large file (single PUTs have limits on some stores).
                var temporary = Path.GetTempFileName();
                try
                {
                    await File.WriteAllBytesAsync(temporary, body, cancellationToken).ConfigureAwait(false);
                    var stored = await UploadMultipartAsync(key, temporary, body.Length, new ObjectHeaders(contentType, "no-store"), null,
                        null, cancellationToken, StateBucket, condition).ConfigureAwait(false);
                    return new DocumentWrite(ConditionalOutcome.Done, stored.ETag, stored.VersionId);
                }
                finally
                {
                    File.Delete(temporary);
                }
            }

            var request = new PutObjectRequest
            {
                BucketName = StateBucket,
                Key = key,
                InputStream = new MemoryStream(body, writable: false),
                ContentType = contentType,
                UseChunkEncoding = _destination.ChunkedUploads,
                IfNoneMatch = condition.IfAbsent ? "*" : null,
                IfMatch = condition.IfMatch is { } ifMatch ? $"\"{ifMatch}\"" : null,
            };
            request.Headers.CacheControl = "no-store";
            var response = await Client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            var written = Stored(response.ETag, response.VersionId);
            return new DocumentWrite(ConditionalOutcome.Done, written.ETag, written.VersionId);
        }
        catch (Exception ex) when (condition.IsConditional && ConditionRefusal(ex) is { } outcome)
        {
            // The SDK retries a write whose answer was lost on the way back: the retry then finds the key holding what
            // the first attempt wrote, and is refused. Refused only if the key holds something else.
            if (outcome == ConditionalOutcome.PreconditionFailed && !condition.ExpectRefusal
                && await HoldsAsync(key, body, cancellationToken).ConfigureAwait(false) is { } ours)
            {
                return new DocumentWrite(ConditionalOutcome.Done, ours.ETag, ours.VersionId);
            }

            return new DocumentWrite(outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }
    }

    /// <summary>The object at the key when it is exactly <paramref name="body"/> (its ETag is that content's), else null.</summary>
    private async Task<StoredObject?> HoldsAsync(string key, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = StateBucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            using var content = new MemoryStream(body, writable: false);
            var digest = await Hashing.ContentHasher.HashStreamAsync(content, Layout.PartSize, Layout.MultipartThreshold, cancellationToken)
                .ConfigureAwait(false);
            return head.ContentLength == body.Length && Hashing.S3ETag.Normalize(head.ETag) == digest.ETag ? Stored(head.ETag, head.VersionId) : null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }
    }

    public async Task<ConditionalOutcome> DeleteDocumentAsync(string key, string? ifMatch, CancellationToken cancellationToken)
    {
        var request = new DeleteObjectRequest { BucketName = StateBucket, Key = key, IfMatch = ifMatch is null ? null : $"\"{ifMatch}\"" };
        try
        {
            await Client.DeleteObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return ConditionalOutcome.Done;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket")
        {
            return ConditionalOutcome.Done;
        }
        catch (Exception ex) when (ConditionRefusal(ex) == ConditionalOutcome.PreconditionFailed)
        {
            return ConditionalOutcome.PreconditionFailed;
        }
        catch (Exception ex) when (ConditionRefusal(ex) == ConditionalOutcome.NotSupported)
        {
            // Checked where the store cannot: only what still has the ETag is deleted (a race of one round trip remains).
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }

        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = StateBucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            if (Hashing.S3ETag.Normalize(head.ETag) != ifMatch)
            {
                return ConditionalOutcome.PreconditionFailed;
            }

            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = StateBucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return ConditionalOutcome.Done;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket")
        {
            return ConditionalOutcome.Done;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key);
        }
    }

    /// <summary>
    /// How a store answers a condition it did not meet: 412 (or 404 NoSuchKey for If-Match on a missing key, 409 for
    /// a conditional write racing another). One that does not take conditional headers at all answers 501 or names the
    /// header as not implemented.
    /// </summary>
    private static ConditionalOutcome? ConditionRefusal(Exception ex) => ex switch
    {
        AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed } => ConditionalOutcome.PreconditionFailed,
        AmazonS3Exception { StatusCode: HttpStatusCode.Conflict, ErrorCode: "ConditionalRequestConflict" } => ConditionalOutcome.PreconditionFailed,
        AmazonS3Exception { StatusCode: HttpStatusCode.NotFound, ErrorCode: "NoSuchKey" } => ConditionalOutcome.PreconditionFailed,
        AmazonS3Exception { StatusCode: HttpStatusCode.NotImplemented } => ConditionalOutcome.NotSupported,
        _ => null,
    };

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private static void ApplyHeaders(HeadersCollection target, MetadataCollection metadata, ObjectHeaders headers, string? sha256)
    {
        if (headers.CacheControl is not null)
        {
            target.CacheControl = headers.CacheControl;
        }

        if (headers.ContentEncoding is not null)
        {
            target.ContentEncoding = headers.ContentEncoding;
        }

        if (sha256 is not null)
        {
            metadata[Sha256MetadataKey] = sha256;
        }
    }

    private static S3StorageClass? StorageClass(ObjectHeaders headers) =>
        headers.StorageClass is null ? null : S3StorageClass.FindValue(headers.StorageClass);

    private static S3CannedACL? Acl(ObjectHeaders headers) =>
        headers.Acl is null ? null : S3CannedACL.FindValue(headers.Acl);

    /// <param name="acl">The canned ACL the failed request carried, if any.</param>
    private SyncFailedException Failure(Exception ex, string key, string? acl = null) =>
        BucketAddressing.Explain(S3Errors.ToFailure(ex, Destination, key, new RequestFacts(_destination.Bucket, SigningRegion, acl)), ex, _destination);

    /// <summary>The region the client signs for (and, on AWS, sends to).</summary>
    private string? SigningRegion => _client.IsValueCreated
        ? Client.Config.RegionEndpoint?.SystemName ?? Client.Config.AuthenticationRegion
        : null;

    /// <param name="acl">The canned ACL the request carries, if any: a refusal of it is named as such.</param>
    private async Task<T> Call<T>(Func<Task<T>> operation, string key, string? acl = null)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SyncFailedException)
        {
            throw Failure(ex, key, acl);
        }
    }
}
