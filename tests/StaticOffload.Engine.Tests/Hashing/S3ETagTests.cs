using System.Security.Cryptography;
using StaticOffload.Hashing;

namespace StaticOffload.Tests.Hashing;

public class S3ETagTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("\"D41D8CD98F00B204E9800998ECF8427E\"", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData(" \"ABC-3\" ", "abc-3")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Normalize_strips_quotes_and_lowercases(string? etag, string expected) =>
        Assert.Equal(expected, S3ETag.Normalize(etag));

    [Theory]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", false, 1)]
    [InlineData("\"d41d8cd98f00b204e9800998ecf8427e-3\"", true, 3)]
    [InlineData("abc-12", true, 12)]
    [InlineData("abc-x", true, 1)]
    public void IsMultipart_and_PartCount_read_the_part_suffix(string etag, bool multipart, int parts)
    {
        Assert.Equal(multipart, S3ETag.IsMultipart(etag));
        Assert.Equal(parts, S3ETag.PartCount(etag));
    }

    [Fact]
    public void FromPartDigests_is_the_md5_of_the_concatenated_digests_with_the_count()
    {
        var digests = new[] { MD5.HashData("a"u8), MD5.HashData("b"u8) };
        var expected = Convert.ToHexStringLower(MD5.HashData([.. digests[0], .. digests[1]])) + "-2";

        Assert.Equal(expected, S3ETag.FromPartDigests(digests));
    }

    public static TheoryData<long, int> SizesAndPartCounts => new()
    {
        { 20 * MiB, 3 },
        { 20 * MiB, 2 },
        { 100 * MiB, 7 },
        { 100 * MiB, 13 },
        { 100 * MiB, 20 },
        { 64 * MiB, 1 },
        { 17 * MiB + 1, 2 },
        { 1000 * MiB, 10 },
    };

    [Theory]
    [MemberData(nameof(SizesAndPartCounts))]
    public void CandidatePartSizes_are_all_consistent_with_the_part_count(long size, int partCount)
    {
        var candidates = S3ETag.CandidatePartSizes(size, partCount).ToArray();

        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.Equal(partCount, (size + c - 1) / c));
        Assert.Equal(candidates.Length, candidates.Distinct().Count());
    }

    [Theory]
    [InlineData(20 * MiB, 3)]
    [InlineData(100 * MiB, 13)]
    [InlineData(8 * MiB + 1, 2)]
    public void CandidatePartSizes_tries_8_MiB_first_when_it_fits(long size, int partCount) =>
        Assert.Equal(8 * MiB, S3ETag.CandidatePartSizes(size, partCount).First());

    [Fact]
    public void CandidatePartSizes_includes_the_size_implied_by_the_part_count()
    {
        // 20 MiB in 3 parts: 8 MiB fits, and so does ceil(20/3) = 7 MiB.
        Assert.Equal([8 * MiB, 7 * MiB], S3ETag.CandidatePartSizes(20 * MiB, 3));
    }

    [Fact]
    public void CandidatePartSizes_leaves_out_8_MiB_when_it_does_not_fit()
    {
        // 20 MiB in 2 parts: 16 MiB and 15 MiB fit, 8 MiB would make 3 parts.
        var candidates = S3ETag.CandidatePartSizes(20 * MiB, 2).ToArray();

        Assert.DoesNotContain(8 * MiB, candidates);
        Assert.Equal(16 * MiB, candidates[0]);
        Assert.Contains(15 * MiB, candidates);
    }

    [Fact]
    public void CandidatePartSizes_is_empty_for_a_part_count_of_zero() =>
        Assert.Empty(S3ETag.CandidatePartSizes(20 * MiB, 0));
}
