using StaticOffload.Diagnostics;
using StaticOffload.Keys;

namespace StaticOffload.Tests.Keys;

public class ObjectKeysTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("a", "a/")]
    [InlineData("a/", "a/")]
    [InlineData("a/b", "a/b/")]
    [InlineData("a/b/", "a/b/")]
    [InlineData(" site/v1 ", "site/v1/")]
    [InlineData("my site/été", "my site/été/")]
    public void NormalizePrefix_returns_empty_or_a_prefix_ending_in_slash(string? prefix, string expected)
    {
        Assert.Equal(expected, ObjectKeys.NormalizePrefix(prefix, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("..")]
    [InlineData("../a")]
    [InlineData("a/../b")]
    [InlineData(".")]
    [InlineData("./a")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData(@"a\b")]
    [InlineData(@"a\")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    public void NormalizePrefix_rejects_a_prefix_S3_would_take_literally(string prefix)
    {
        Assert.Equal("", ObjectKeys.NormalizePrefix(prefix, out var problem));

        Assert.NotNull(problem);
        Assert.Equal(DiagnosticCodes.InvalidPrefix, problem.Code);
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
    }

    [Fact]
    public void NormalizePrefix_with_a_backslash_suggests_the_forward_slash_form()
    {
        ObjectKeys.NormalizePrefix(@"site\v1", out var problem);
        Assert.Contains("'site/v1'", problem!.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ValidateBucket_reports_a_missing_bucket(string? bucket) =>
        Assert.Equal(DiagnosticCodes.MissingBucket, ObjectKeys.ValidateBucket(bucket)?.Code);

    [Theory]
    [InlineData("ab")]
    [InlineData("My-Site")]
    [InlineData("s3://my-site")]
    [InlineData("my-site/assets")]
    [InlineData("a..b")]
    [InlineData("192.168.1.1")]
    [InlineData("xn--bucket")]
    [InlineData("sthree-bucket")]
    [InlineData("bucket-s3alias")]
    [InlineData("bucket--ol-s3")]
    [InlineData("-my-site")]
    [InlineData("my-site-")]
    [InlineData(".my-site")]
    [InlineData("my_site")]
    [InlineData("my site")]
    public void ValidateBucket_rejects_an_invalid_name(string bucket)
    {
        var problem = ObjectKeys.ValidateBucket(bucket);

        Assert.NotNull(problem);
        Assert.Equal(DiagnosticCodes.InvalidBucketName, problem.Code);
        Assert.Contains($"'{bucket}'", problem.Message);
    }

    [Fact]
    public void ValidateBucket_rejects_a_name_longer_than_63_characters()
    {
        Assert.Null(ObjectKeys.ValidateBucket(new string('a', 63)));
        Assert.Equal(DiagnosticCodes.InvalidBucketName, ObjectKeys.ValidateBucket(new string('a', 64))?.Code);
    }

    [Theory]
    [InlineData("my-site-assets")]
    [InlineData("a.b.c")]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("assets.example.com")]
    public void ValidateBucket_accepts_a_valid_name(string bucket) =>
        Assert.Null(ObjectKeys.ValidateBucket(bucket));

    [Theory]
    [InlineData("", 0)]
    [InlineData("css/site.css", 12)]
    [InlineData("é", 2)]
    [InlineData("日本/ファイル.css", 23)]
    [InlineData("😀", 4)]
    public void Utf8Length_counts_bytes_not_characters(string key, int expected) =>
        Assert.Equal(expected, ObjectKeys.Utf8Length(key));

    [Fact]
    public void ToKey_prepends_the_prefix() =>
        Assert.Equal("site/v1/css/a.css", ObjectKeys.ToKey("site/v1/", "css/a.css"));
}
