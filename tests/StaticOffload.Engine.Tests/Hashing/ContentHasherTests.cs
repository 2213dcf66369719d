using System.Security.Cryptography;
using System.Text;
using StaticOffload.Hashing;

namespace StaticOffload.Tests.Hashing;

public class ContentHasherTests
{
    private const long LargeThreshold = long.MaxValue;

    private static Task<ContentDigest> Hash(byte[] content, long partSize, long threshold) =>
        ContentHasher.HashStreamAsync(new MemoryStream(content), partSize, threshold, CancellationToken.None);

    private static byte[] Content(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7)).ToArray();

    /// <summary>The multipart ETag as S3 computes it, from the bytes, independent of the engine.</summary>
    private static string ExpectedMultipartETag(byte[] content, int partSize)
    {
        var partDigests = content.Chunk(partSize).SelectMany(MD5.HashData).ToArray();
        var parts = (content.Length + partSize - 1) / partSize;
        return $"{Convert.ToHexStringLower(MD5.HashData(partDigests))}-{parts}";
    }

    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public async Task Digests_of_known_content_have_the_known_values(string text, string md5, string sha256)
    {
        var content = Encoding.ASCII.GetBytes(text);
        var digest = await Hash(content, 8 * 1024 * 1024, 8 * 1024 * 1024);

        Assert.Equal(new ContentDigest(content.Length, md5, sha256, md5), digest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1023)]
    public async Task Below_the_threshold_the_ETag_is_the_md5(int length)
    {
        var content = Content(length);
        var digest = await Hash(content, 4, 1024);

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), digest.Md5);
        Assert.Equal(digest.Md5, digest.ETag);
        Assert.False(S3ETag.IsMultipart(digest.ETag));
    }

    [Theory]
    [InlineData(10, 4)]
    [InlineData(2560, 1024)]
    [InlineData(5, 4)]
    public async Task At_or_above_the_threshold_the_ETag_is_the_md5_of_the_part_md5s(int length, int partSize)
    {
        var content = Content(length);
        var digest = await Hash(content, partSize, partSize);

        Assert.Equal(ExpectedMultipartETag(content, partSize), digest.ETag);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), digest.Md5);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), digest.Sha256);
        Assert.Equal(length, digest.Size);
    }

    [Fact]
    public async Task Two_and_a_half_parts_make_three_parts()
    {
        var content = Content(2560);
        var digest = await Hash(content, 1024, 1024);

        Assert.Equal(3, S3ETag.PartCount(digest.ETag));
        Assert.EndsWith("-3", digest.ETag);
    }

    [Theory]
    [InlineData(8, 4, 2)]
    [InlineData(4, 4, 1)]
    [InlineData(3072, 1024, 3)]
    public async Task Exact_multiple_of_the_part_size_has_no_empty_last_part(int length, int partSize, int parts)
    {
        var content = Content(length);
        var digest = await Hash(content, partSize, 1);

        Assert.Equal(ExpectedMultipartETag(content, partSize), digest.ETag);
        Assert.EndsWith($"-{parts}", digest.ETag);
    }

    [Fact]
    public async Task Parts_are_cut_the_same_whatever_size_the_stream_reads_return()
    {
        var content = Content(10_000);
        var digest = await ContentHasher.HashStreamAsync(new TrickleStream(content, 7), 1000, 1000, CancellationToken.None);

        Assert.Equal(ExpectedMultipartETag(content, 1000), digest.ETag);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), digest.Md5);
    }

    [Fact]
    public async Task Part_larger_than_the_read_buffer_is_one_part()
    {
        // The hasher reads 1 MiB at a time; a part spans several reads.
        var content = Content(3 * 1024 * 1024 + 5);
        const int partSize = 2 * 1024 * 1024;
        var digest = await Hash(content, partSize, partSize);

        Assert.Equal(ExpectedMultipartETag(content, partSize), digest.ETag);
    }

    [Fact]
    public async Task Hashing_a_file_gives_the_same_digest_as_hashing_its_stream()
    {
        var content = Content(5000);
        var path = Path.Combine(Path.GetTempPath(), $"so-hash-{Guid.NewGuid():N}.bin");
        try
        {
            await File.WriteAllBytesAsync(path, content);
            var fromFile = await ContentHasher.HashFileAsync(path, 1024, 1024, CancellationToken.None);

            Assert.Equal(await Hash(content, 1024, 1024), fromFile);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Hashing_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ContentHasher.HashStreamAsync(new MemoryStream(Content(10)), 4, LargeThreshold, cancelled.Token));
    }

    /// <summary>Returns at most a few bytes per read, like a network or pipe stream.</summary>
    private sealed class TrickleStream(byte[] content, int maxRead) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxRead)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, maxRead), cancellationToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a longer text, hashed in memory and as a stream")]
    public async Task In_memory_digest_equals_the_streamed_one(string text)
    {
        var content = Encoding.UTF8.GetBytes(text);

        Assert.Equal(await Hash(content, 8 * 1024 * 1024, 8 * 1024 * 1024), ContentHasher.Hash(content));
    }
}
