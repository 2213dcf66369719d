using System.Buffers;
using System.Security.Cryptography;

namespace StaticOffload.Hashing;

/// <summary>Digests of a file's content, all taken in one read.</summary>
/// <param name="Md5">Hex MD5 of the whole file: a single-part S3 ETag.</param>
/// <param name="Sha256">Hex SHA-256 of the whole file, stored with the object so it can be verified without a download.</param>
/// <param name="ETag">The ETag S3 will report when we upload the file (multipart form above the part threshold).</param>
public sealed record ContentDigest(long Size, string Md5, string Sha256, string ETag);

/// <summary>
/// Hashes files in one streaming pass with a fixed buffer, so memory does not grow with file size. The MD5 of each
/// upload part is taken on the way, which is what S3's multipart ETag is made of.
/// </summary>
public static class ContentHasher
{
    private const int BufferSize = 1 << 20;

    /// <summary>The digest of no bytes: redirects and empty files.</summary>
    public static ContentDigest Empty { get; } = new(0, "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "d41d8cd98f00b204e9800998ecf8427e");

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
