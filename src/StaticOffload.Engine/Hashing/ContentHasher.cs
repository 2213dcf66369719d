using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace StaticOffload.Hashing;

/// <summary>Which digests a read of a file must produce; every one of them comes from the same read.</summary>
[Flags]
public enum DigestKinds
{
    None = 0,

    /// <summary>XXH128: the content hash that change detection compares with the snapshot's (fast, not cryptographic).</summary>
    Xxh128 = 1,

    /// <summary>MD5: only where an ETag must be matched against the local bytes (the listing's, or a copy's result).</summary>
    Md5 = 2,

    /// <summary>SHA-256: only where a request carries it (x-amz-meta-sha256, and the signed payload hash).</summary>
    Sha256 = 4,

    /// <summary>The ETag our upload gives these bytes: the MD5, or md5(part MD5s)-N above the multipart threshold.</summary>
    ETag = 8,
}

/// <summary>Digests of a file's content, all taken in one read; a digest not asked for is null.</summary>
/// <param name="Md5">Hex MD5 of the whole file: a single-part S3 ETag.</param>
/// <param name="Sha256">Hex SHA-256 of the whole file, stored with the object so it can be verified without a download.</param>
/// <param name="ETag">The ETag S3 will report when we upload the file (multipart form above the part threshold).</param>
/// <param name="Xxh128">Hex XXH128 of the whole file: what the snapshot compares to tell changed content.</param>
public sealed record ContentDigest(long Size, string? Md5, string? Sha256, string? ETag, string? Xxh128 = null)
{
    /// <summary>The kinds this digest holds.</summary>
    public DigestKinds Kinds =>
        (Xxh128 is null ? 0 : DigestKinds.Xxh128) | (Md5 is null ? 0 : DigestKinds.Md5)
        | (Sha256 is null ? 0 : DigestKinds.Sha256) | (ETag is null ? 0 : DigestKinds.ETag);

    /// <summary>This digest with what <paramref name="other"/>, a digest of the same bytes, adds to it.</summary>
    public ContentDigest With(ContentDigest other) => new(Size, Md5 ?? other.Md5, Sha256 ?? other.Sha256, ETag ?? other.ETag,
        Xxh128 ?? other.Xxh128);
}

/// <summary>
/// Hashes files in one streaming pass with a fixed buffer, so memory does not grow with file size. The MD5 of each
/// upload part is taken on the way, which is what S3's multipart ETag is made of.
/// </summary>
public static class ContentHasher
{
    private const int BufferSize = 1 << 20;

    /// <summary>The digest of no bytes: redirects and empty files.</summary>
    public static ContentDigest Empty { get; } = new(0, "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "d41d8cd98f00b204e9800998ecf8427e",
        Convert.ToHexStringLower(XxHash128.Hash([])));

    // One read buffer per thread, reused file after file: hashing 100,000 small files must not rent, clear and return
    // a megabyte each time (nor allocate a FileStream, an async state machine and three incremental hashers).
    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>
    /// The digests <paramref name="kinds"/> asks for, from one synchronous read of the file. Files up to the buffer
    /// size (1 MiB: nearly every web asset) are read whole and hashed in one call per digest.
    /// </summary>
    public static ContentDigest HashFile(string path, DigestKinds kinds, UploadLayout layout, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            FileOptions.SequentialScan);
        var buffer = t_buffer ??= new byte[BufferSize];
        var read = ReadFull(handle, buffer, 0);
        if (read < buffer.Length)
        {
            return HashBytes(buffer.AsSpan(0, read), kinds, layout);
        }

        return HashLarge(handle, buffer, kinds, layout, cancellationToken);
    }

    /// <summary>The digests <paramref name="kinds"/> asks for, of bytes held in memory.</summary>
    public static ContentDigest HashBytes(ReadOnlySpan<byte> content, DigestKinds kinds, UploadLayout layout)
    {
        string? md5 = null, sha256 = null, etag = null, xxh = null;
        if ((kinds & DigestKinds.Xxh128) != 0)
        {
            xxh = Convert.ToHexStringLower(XxHash128.Hash(content));
        }

        var multipart = (kinds & DigestKinds.ETag) != 0 && layout.IsMultipart(content.Length);
        if ((kinds & DigestKinds.Md5) != 0 || ((kinds & DigestKinds.ETag) != 0 && !multipart))
        {
            md5 = Convert.ToHexStringLower(MD5.HashData(content));
        }

        if ((kinds & DigestKinds.Sha256) != 0)
        {
            sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        }

        if ((kinds & DigestKinds.ETag) != 0)
        {
            if (multipart)
            {
                var parts = new List<byte[]>();
                for (long offset = 0; offset < content.Length; offset += layout.PartSize)
                {
                    parts.Add(MD5.HashData(content.Slice((int)offset, (int)Math.Min(layout.PartSize, content.Length - offset))));
                }

                etag = S3ETag.FromPartDigests(parts);
            }
            else
            {
                etag = md5;
            }
        }

        return new ContentDigest(content.Length, (kinds & DigestKinds.Md5) != 0 ? md5 : null, sha256, etag, xxh);
    }

    private static ContentDigest HashLarge(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer, DigestKinds kinds,
        UploadLayout layout, CancellationToken cancellationToken)
    {
        var xxh = (kinds & DigestKinds.Xxh128) != 0 ? new XxHash128() : null;
        using var md5 = (kinds & (DigestKinds.Md5 | DigestKinds.ETag)) != 0 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        using var sha256 = (kinds & DigestKinds.Sha256) != 0 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        // The part MD5s only where the ETag is asked for and the file is large enough to go in parts.
        var multipart = (kinds & DigestKinds.ETag) != 0 && layout.IsMultipart(RandomAccess.GetLength(handle));
        using var partMd5 = multipart ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var partDigests = new List<byte[]>();
        long size = 0, inPart = 0;
        var read = buffer.Length;
        while (read > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            xxh?.Append(buffer.AsSpan(0, read));
            md5?.AppendData(buffer, 0, read);
            sha256?.AppendData(buffer, 0, read);
            size += read;
            if (partMd5 is not null)
            {
                var offset = 0;
                while (offset < read)
                {
                    var take = (int)Math.Min(read - offset, layout.PartSize - inPart);
                    partMd5.AppendData(buffer, offset, take);
                    inPart += take;
                    offset += take;
                    if (inPart == layout.PartSize)
                    {
                        partDigests.Add(partMd5.GetHashAndReset());
                        inPart = 0;
                    }
                }
            }

            read = ReadFull(handle, buffer, size);
        }

        if (inPart > 0)
        {
            partDigests.Add(partMd5!.GetHashAndReset());
        }

        var md5Hex = md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset());
        string? etag = null;
        if ((kinds & DigestKinds.ETag) != 0)
        {
            etag = multipart && layout.IsMultipart(size) ? S3ETag.FromPartDigests(partDigests) : md5Hex;
        }

        return new ContentDigest(size, (kinds & DigestKinds.Md5) != 0 ? md5Hex : null,
            sha256 is null ? null : Convert.ToHexStringLower(sha256.GetHashAndReset()), etag,
            xxh is null ? null : Convert.ToHexStringLower(xxh.GetCurrentHash()));
    }

    /// <summary>Reads until the buffer is full or the file ends; returns the bytes read.</summary>
    private static int ReadFull(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer, long fileOffset)
    {
        var total = 0;
        int n;
        while (total < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(total), fileOffset + total)) > 0)
        {
            total += n;
        }

        return total;
    }

    /// <summary>The digest of bytes held in memory, below the multipart threshold (so the ETag is the MD5).</summary>
    public static ContentDigest Hash(ReadOnlySpan<byte> content)
    {
        var md5 = Convert.ToHexStringLower(MD5.HashData(content));
        return new ContentDigest(content.Length, md5, Convert.ToHexStringLower(SHA256.HashData(content)), md5);
    }

    public static async Task<ContentDigest> HashFileAsync(string path, long partSize, long multipartThreshold,
        CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
        return await HashStreamAsync(stream, partSize, multipartThreshold, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ContentDigest> HashStreamAsync(Stream stream, long partSize, long multipartThreshold,
        CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var partMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        // Below the threshold the ETag is the MD5 itself: a second MD5 over the same bytes (a third of the hashing
        // of a fresh clone's 10,000 small files) would only be thrown away.
        var singlePart = stream.CanSeek && stream.Length < multipartThreshold;
        var partDigests = new List<byte[]>();
        long size = 0, inPart = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                sha256.AppendData(buffer, 0, read);
                size += read;
                if (singlePart)
                {
                    continue;
                }

                var offset = 0;
                while (offset < read)
                {
                    var take = (int)Math.Min(read - offset, partSize - inPart);
                    partMd5.AppendData(buffer, offset, take);
                    inPart += take;
                    offset += take;
                    if (inPart == partSize)
                    {
                        partDigests.Add(partMd5.GetHashAndReset());
                        inPart = 0;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (inPart > 0)
        {
            partDigests.Add(partMd5.GetHashAndReset());
        }

        var md5Hex = Convert.ToHexStringLower(md5.GetHashAndReset());
        var etag = size >= multipartThreshold && !singlePart ? S3ETag.FromPartDigests(partDigests) : md5Hex;
        return new ContentDigest(size, md5Hex, Convert.ToHexStringLower(sha256.GetHashAndReset()), etag);
    }
}
