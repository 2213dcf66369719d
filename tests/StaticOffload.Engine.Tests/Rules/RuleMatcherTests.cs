using StaticOffload.Diagnostics;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Rules;

public class RuleMatcherTests
{
    private static SyncRule Rule(string name, string patterns, string? cacheControl = null, string? contentType = null,
        string? contentEncoding = null, string? storageClass = null, string? acl = null, bool? exclude = null,
        bool? entryFile = null) =>
        new(name, Glob.ParseList(patterns), new(cacheControl, contentType, contentEncoding, storageClass, acl), exclude, entryFile);

    private static RuleMatcher Matcher(params SyncRule[] rules) => new(rules, new ContentTypeMap());

    [Fact]
    public void File_matching_no_rule_gets_only_its_content_type()
    {
        var resolved = Matcher(Rule("css", "*.css", cacheControl: "max-age=60")).Resolve("index.html");

        Assert.Equal(new ObjectHeaders("text/html"), resolved.Headers);
        Assert.False(resolved.Exclude);
        Assert.False(resolved.EntryFile);
        Assert.Empty(resolved.MatchedRules);
    }

    [Fact]
    public void Last_matching_rule_that_sets_a_header_wins()
    {
        var matcher = Matcher(
            Rule("defaults", "**", cacheControl: "max-age=60", storageClass: "STANDARD"),
            Rule("css", "*.css", cacheControl: "max-age=31536000, immutable"));

        Assert.Equal("max-age=31536000, immutable", matcher.Resolve("css/site.css").Headers.CacheControl);
        Assert.Equal("max-age=60", matcher.Resolve("js/app.js").Headers.CacheControl);
    }

    [Fact]
    public void Later_rule_that_does_not_set_a_header_keeps_the_earlier_value()
    {
        var matcher = Matcher(
            Rule("defaults", "**", cacheControl: "max-age=60", storageClass: "STANDARD_IA", acl: "public-read",
                contentEncoding: "identity", contentType: "text/x-custom"),
            Rule("user", "*.css", storageClass: "GLACIER_IR"));

        var headers = matcher.Resolve("site.css").Headers;

        Assert.Equal(new ObjectHeaders("text/x-custom", "max-age=60", "identity", "GLACIER_IR", "public-read"), headers);
    }

    [Fact]
    public void Rule_that_does_not_match_changes_nothing()
    {
        var matcher = Matcher(
            Rule("defaults", "**", cacheControl: "max-age=60"),
            Rule("images", "img/**", cacheControl: "max-age=999"));

        Assert.Equal("max-age=60", matcher.Resolve("css/site.css").Headers.CacheControl);
    }

    public static TheoryData<bool?, bool?, bool> ExcludeCombinations => new()
    {
        { null, null, false },
        { true, null, true },
        { true, false, false },
        { false, true, true },
        { null, true, true },
    };

    [Theory]
    [MemberData(nameof(ExcludeCombinations))]
    public void Exclude_is_decided_by_the_last_rule_that_sets_it(bool? first, bool? second, bool expected)
    {
        var matcher = Matcher(Rule("first", "**", exclude: first), Rule("second", "*.map", exclude: second));
        Assert.Equal(expected, matcher.Resolve("js/app.js.map").Exclude);
    }

    [Theory]
    [MemberData(nameof(ExcludeCombinations))]
    public void EntryFile_is_decided_by_the_last_rule_that_sets_it(bool? first, bool? second, bool expected)
    {
        var matcher = Matcher(Rule("first", "**", entryFile: first), Rule("second", "*.html", entryFile: second));
        Assert.Equal(expected, matcher.Resolve("index.html").EntryFile);
    }

    [Fact]
    public void Later_rule_with_Exclude_false_reincludes_a_file()
    {
        var matcher = Matcher(
            Rule("no-maps", "*.map", exclude: true),
            Rule("keep-app-map", "js/app.js.map", exclude: false));

        Assert.False(matcher.Resolve("js/app.js.map").Exclude);
        Assert.True(matcher.Resolve("js/vendor.js.map").Exclude);
    }

    [Fact]
    public void MatchedRules_lists_the_matching_rule_names_in_rule_order()
    {
        var matcher = Matcher(
            Rule("defaults", "**"),
            Rule("images", "img/**"),
            Rule("css", "*.css"),
            Rule("fingerprinted", "*.{css,js}"));

        Assert.Equal(["defaults", "css", "fingerprinted"], matcher.Resolve("css/site.css").MatchedRules);
    }

    [Fact]
    public void Rule_matches_when_any_of_its_patterns_matches()
    {
        var matcher = Matcher(Rule("static", "*.css;*.js", cacheControl: "max-age=60"));

        Assert.Equal("max-age=60", matcher.Resolve("a/app.js").Headers.CacheControl);
        Assert.Equal("max-age=60", matcher.Resolve("b/site.css").Headers.CacheControl);
        Assert.Null(matcher.Resolve("index.html").Headers.CacheControl);
    }

    [Fact]
    public void Content_type_falls_back_to_the_content_type_map()
    {
        var map = new ContentTypeMap([new ContentTypeMapping("text/x-special", Glob.Parse("*.special"), 0)]);
        var matcher = new RuleMatcher([Rule("cache", "**", cacheControl: "no-cache")], map);

        Assert.Equal("text/x-special", matcher.Resolve("a/b.special").Headers.ContentType);
        Assert.Equal("text/css", matcher.Resolve("a/b.css").Headers.ContentType);
        Assert.Equal(ContentTypeMap.Fallback, matcher.Resolve("a/b.unknown").Headers.ContentType);
    }

    [Fact]
    public void Content_type_set_by_a_rule_beats_the_content_type_map()
    {
        var matcher = Matcher(Rule("wasm-as-binary", "*.wasm", contentType: "application/octet-stream"));
        Assert.Equal("application/octet-stream", matcher.Resolve("_framework/dotnet.wasm").Headers.ContentType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Blank_header_values_become_null(string blank)
    {
        var matcher = Matcher(Rule("blank", "**", cacheControl: blank, contentEncoding: blank, storageClass: blank, acl: blank));

        Assert.Equal(new ObjectHeaders("text/css"), matcher.Resolve("site.css").Headers);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_value_in_a_later_rule_leaves_the_earlier_value(string blank)
    {
        var matcher = Matcher(
            Rule("defaults", "**", cacheControl: "max-age=60", storageClass: "STANDARD_IA", acl: "public-read", contentType: "text/x-custom"),
            Rule("user", "**", cacheControl: blank, storageClass: blank, acl: blank, contentType: blank));

        Assert.Equal(new ObjectHeaders("text/x-custom", "max-age=60", null, "STANDARD_IA", "public-read"), matcher.Resolve("site.css").Headers);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_content_type_falls_back_to_the_content_type_map(string blank) =>
        Assert.Equal("text/css", Matcher(Rule("blank", "**", contentType: blank)).Resolve("site.css").Headers.ContentType);

    [Fact]
    public void Header_values_are_trimmed()
    {
        var matcher = Matcher(Rule("padded", "**", cacheControl: "  max-age=60 ", storageClass: " STANDARD_IA "));
        var headers = matcher.Resolve("site.css").Headers;

        Assert.Equal("max-age=60", headers.CacheControl);
        Assert.Equal("STANDARD_IA", headers.StorageClass);
    }

    public static TheoryData<SyncRule, string> InvalidRules => new()
    {
        { Rule("no-pattern", ""), Messages.InvalidRuleCode },
        { Rule("only-separators", " ; "), Messages.InvalidRuleCode },
        { Rule("bad-class", "**", storageClass: "SUPER_CHEAP"), Messages.UnknownStorageClassCode },
        { Rule("lower-class", "**", storageClass: "standard"), Messages.UnknownStorageClassCode },
        { Rule("bad-acl", "**", acl: "public"), Messages.UnknownAclCode },
        { Rule("newline", "**", cacheControl: "max-age=60\nX-Injected: 1"), Messages.InvalidHeaderValueCode },
        { Rule("tab", "**", cacheControl: "max-age=60,\tpublic"), Messages.InvalidHeaderValueCode },
        { Rule("nul", "**", cacheControl: "no-cache\0"), Messages.InvalidHeaderValueCode },
        { Rule("type", "**", contentType: "text/html\r\n"), Messages.InvalidHeaderValueCode },
        { Rule("encoding", "**", contentEncoding: "gzip\u007f"), Messages.InvalidHeaderValueCode },
        { Rule("non-ascii", "**", cacheControl: "max-age=60 \u00e9"), Messages.InvalidHeaderValueCode },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Validate_reports_the_code_for_the_problem(SyncRule rule, string code)
    {
        var diagnostic = Assert.Single(RuleMatcher.Validate(rule));

        Assert.Equal(code, diagnostic.Code);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains($"'{rule.Name}'", diagnostic.Message);
    }

    [Fact]
    public void Validate_reports_every_problem_of_a_rule()
    {
        var rule = Rule("everything-wrong", "", cacheControl: "a\nb", storageClass: "NOPE", acl: "nope");

        Assert.Equal(
            [Messages.InvalidRuleCode, Messages.UnknownStorageClassCode, Messages.UnknownAclCode, Messages.InvalidHeaderValueCode],
            RuleMatcher.Validate(rule).Select(d => d.Code));
    }

    public static TheoryData<SyncRule> ValidRules => new()
    {
        Rule("minimal", "**"),
        Rule("full", "**/*.css;*.js", cacheControl: "public, max-age=31536000, immutable", contentType: "text/css; charset=utf-8",
            contentEncoding: "gzip", storageClass: "STANDARD_IA", acl: "public-read", exclude: false, entryFile: true),
        Rule("intelligent", "img/**", storageClass: "INTELLIGENT_TIERING", acl: "bucket-owner-full-control"),
        Rule("empty-values", "**", storageClass: "", acl: ""),
    };

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Validate_accepts_a_valid_rule(SyncRule rule) =>
        Assert.Empty(RuleMatcher.Validate(rule));

    [Fact]
    public void Framework_headers_replace_the_package_defaults_and_a_user_rule_still_wins()
    {
        var defaults = new SyncRule("Assets", Glob.ParseList("*.css"), new(CacheControl: "public, max-age=31536000"));
        var user = new SyncRule("Mine", Glob.ParseList("print.css"), new(CacheControl: "no-store"));
        var framework = new Dictionary<string, StaticOffload.Endpoints.EndpointHeaders>
        {
            ["site.css"] = new("no-cache", "text/css", false),
            ["print.css"] = new("no-cache", "text/css", false),
            ["app.abc123.css"] = new("max-age=31536000, immutable", "text/css", true),
        };
        var matcher = new RuleMatcher([defaults, user], new ContentTypeMap(), defaultRuleCount: 1, framework);

        Assert.Equal("no-cache", matcher.Resolve("site.css").Headers.CacheControl);
        Assert.Equal("max-age=31536000, immutable", matcher.Resolve("app.abc123.css").Headers.CacheControl);
        Assert.Equal("no-store", matcher.Resolve("print.css").Headers.CacheControl);
        Assert.Equal("public, max-age=31536000", matcher.Resolve("other.css").Headers.CacheControl);
        Assert.Equal(["Assets", "Endpoints", "Mine"], matcher.Resolve("print.css").MatchedRules);
    }

    [Fact]
    public void Framework_encoding_of_a_precompressed_file_is_applied_and_a_user_rule_still_wins()
    {
        var user = new SyncRule("Mine", Glob.ParseList("**/*.gz"), new(ContentEncoding: "identity"));
        var framework = new Dictionary<string, StaticOffload.Endpoints.EndpointHeaders>
        {
            ["app.js.br"] = new("no-cache", "text/javascript", false, "br"),
            ["data.json.gz"] = new("no-cache", "application/json", false, "gzip"),
        };
        var matcher = new RuleMatcher([user], new ContentTypeMap(), defaultRuleCount: 0, framework);

        var br = matcher.Resolve("app.js.br").Headers;
        Assert.Equal(("text/javascript", "br"), (br.ContentType, br.ContentEncoding));
        Assert.Equal("identity", matcher.Resolve("data.json.gz").Headers.ContentEncoding);
        Assert.Null(matcher.Resolve("app.js").Headers.ContentEncoding);
    }
}
