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
        Assert.Equal(Messages.InvalidPrefixCode, problem.Code);
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
        Assert.Equal(Messages.MissingBucketCode, ObjectKeys.ValidateBucket(bucket)?.Code);

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
        Assert.Equal(Messages.InvalidBucketNameCode, problem.Code);
        Assert.Contains($"'{bucket}'", problem.Message);
    }

    [Fact]
    public void ValidateBucket_rejects_a_name_longer_than_63_characters()
    {
        Assert.Null(ObjectKeys.ValidateBucket(new string('a', 63)));
        Assert.Equal(Messages.InvalidBucketNameCode, ObjectKeys.ValidateBucket(new string('a', 64))?.Code);
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

    [Theory]
    [InlineData("index.html")]
    [InlineData("site/css/a b+c %20.css")]
    [InlineData("site/über/ünïcode.html")]
    [InlineData("site/emoji-\U0001F600.png")]
    [InlineData("site/.well-known/x")]
    [InlineData("site/..hidden/x")]
    [InlineData("site/a../x")]
    public void A_plain_key_passes_the_key_rule(string key) => Assert.Null(ObjectKeys.KeyProblem(key));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("site/a\u0001.css", "control character U+0001")]
    [InlineData("site/a\n.css", "control character U+000A")]
    [InlineData("site/a\u007F.css", "control character U+007F")]
    [InlineData("site/a\u0085.css", "control character U+0085")]
    [InlineData("site/a\uFFFF.css", "not a Unicode character")]
    [InlineData("/site/a.css", "starts with '/'")]
    [InlineData("site/../a.css", "'..' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("site/./a.css", "'.' segment")]
    [InlineData("site/a/.", "'.' segment")]
    [InlineData("site//a.css", "empty segment")]
    public void A_key_that_cannot_be_handled_safely_is_named_with_the_reason(string key, string reason) =>
        Assert.Contains(reason, ObjectKeys.KeyProblem(key));

    [Fact]
    public void A_key_with_a_lone_surrogate_breaks_the_key_rule() =>
        Assert.Contains("not a Unicode character", ObjectKeys.KeyProblem("site/a" + '\uD800' + ".css"));

    [Fact]
    public void A_key_is_printed_with_its_characters_whole_and_only_a_lone_surrogate_escaped() =>
        Assert.Equal("site/\U0001F600-\\uD800.png", ObjectKeys.Printable("site/\U0001F600-" + '\uD800' + ".png"));

    [Fact]
    public void A_key_over_1024_bytes_of_UTF8_breaks_the_key_rule() =>
        Assert.Contains("over S3's 1024", ObjectKeys.KeyProblem("site/" + new string('ü', 510)));

    [Fact]
    public void A_key_is_printed_with_its_control_characters_escaped() =>
        Assert.Equal("site/a\\u0001b\\u001B.css", ObjectKeys.Printable("site/a\u0001b\u001B.css"));

    [Theory]
    [InlineData("site/", "site/a.css", true)]
    [InlineData("site/", "site/", false)]
    [InlineData("site/", "other/a.css", false)]
    [InlineData("site/", "site/.staticoffload/state.json.gz", false)]
    [InlineData("site/", "site/x/.staticoffload/y", true)]
    [InlineData("", "a.css", true)]
    [InlineData("", ".staticoffload/state.json.gz", false)]
    [InlineData("", "a/../b", false)]
    public void Only_keys_below_the_prefix_outside_the_reserved_folder_and_within_the_rule_are_managed(string prefix, string key, bool managed) =>
        Assert.Equal(managed, ObjectKeys.IsManaged(prefix, key));
}
