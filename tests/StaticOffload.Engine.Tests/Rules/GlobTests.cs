using StaticOffload.Rules;

namespace StaticOffload.Tests.Rules;

public class GlobTests
{
    public static TheoryData<string, string, bool> Matches => new()
    {
        // '*' stays inside one folder.
        { "css/*.css", "css/site.css", true },
        { "css/*.css", "css/sub/site.css", false },
        // '?' is exactly one character, never a slash.
        { "img/logo?.png", "img/logo1.png", true },
        { "img/logo?.png", "img/logo.png", false },
        { "img/logo?.png", "img/logo12.png", false },
        { "a?b/x", "a/b/x", false },
        // "**/" spans any number of folders, including none.
        { "**/*.css", "site.css", true },
        { "**/*.css", "a/b/c/site.css", true },
        { "assets/**/app.js", "assets/app.js", true },
        { "assets/**/app.js", "assets/x/y/app.js", true },
        { "assets/**/app.js", "other/assets/app.js", false },
        // "**" at the end takes everything below.
        { "assets/**", "assets/a.js", true },
        { "assets/**", "assets/a/b/c.png", true },
        { "assets/**", "assetsx/a.js", false },
        { "assets/**", "lib/assets/a.js", false },
        // {a,b} is an alternation.
        { "*.{css,js}", "site.css", true },
        { "*.{css,js}", "app.js", true },
        { "*.{css,js}", "app.json", false },
        { "{css,js}/**", "js/app.js", true },
        { "{css,js}/**", "img/logo.png", false },
        // Characters that mean something to regex are literal.
        { "app.min.js", "appXminXjs", false },
        { "file(1)+[x].txt", "file(1)+[x].txt", true },
        { "a,b.txt", "a,b.txt", true },
        // The shapes matched without a regex: literal name, one '*', one {a,b} group; any case, at any depth.
        { "sw.js", "js/sw.js", true },
        { "sw.js", "js/sw.jsx", false },
        { "SW.JS", "sw.js", true },
        { "*.CSS", "a/b/site.css", true },
        { "**/*.css", "a/b/site.CSS", true },
        { "**/*.css", "a/b/site.css.map", false },
        { "appsettings*.json", "appsettings.Production.json", true },
        { "appsettings*.json", "xappsettings.json", false },
        { "app*pp", "app", false },
        { "*.{css,js}", "dir.css/readme", false },
        { "*.{br,gz}", "deep/a/b.js.gz", true },
        { "{sw,app}.js", "app.js", true },
        { "{sw,app}.js", "xapp.js", false },
        { "*", "any/file.bin", true },
        // Two stars in one name still go through the regex.
        { "*.staticwebassets.*.json", "app.staticwebassets.endpoints.json", true },
        { "*.staticwebassets.*.json", "app.staticwebassets.json", false },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void Wildcards_match_as_documented(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("*.css", "site.css")]
    [InlineData("*.css", "css/site.css")]
    [InlineData("*.css", "a/b/c/site.css")]
    [InlineData("index.html", "docs/guide/index.html")]
    public void Pattern_without_slash_matches_file_name_at_any_depth(string pattern, string path) =>
        Assert.True(Glob.Parse(pattern).IsMatch(path));

    [Fact]
    public void Pattern_without_slash_does_not_match_folder_names()
    {
        var glob = Glob.Parse("*.css");
        Assert.False(glob.IsMatch("theme.css/readme.txt"));
    }

    [Theory]
    [InlineData("css/site.css", "css/site.css", true)]
    [InlineData("css/site.css", "site.css", false)]
    [InlineData("css/site.css", "lib/css/site.css", false)]
    [InlineData("css/*.css", "lib/css/a.css", false)]
    public void Pattern_with_slash_matches_the_full_path(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("*.CSS", "site.css")]
    [InlineData("*.css", "SITE.CSS")]
    [InlineData("Assets/**", "assets/App.JS")]
    [InlineData("*.{PNG,jpg}", "a/photo.JPG")]
    public void Matching_ignores_case(string pattern, string path) =>
        Assert.True(Glob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData(@"css\*.css", "css/site.css")]
    [InlineData(@"assets\**\*.js", "assets/a/b.js")]
    public void Backslashes_in_the_pattern_are_folder_separators(string pattern, string path)
    {
        var glob = Glob.Parse(pattern);
        Assert.True(glob.IsMatch(path));
        Assert.Equal(pattern.Replace('\\', '/'), glob.Pattern);
    }

    [Theory]
    [InlineData("./css/*.css", "css/site.css", true)]
    [InlineData("./css/*.css", "lib/css/site.css", false)]
    [InlineData("./*.html", "docs/index.html", false)]
    [InlineData("./*.html", "index.html", true)]
    public void Leading_dot_slash_anchors_at_the_root(string pattern, string path, bool expected)
    {
        var glob = Glob.Parse(pattern);
        Assert.Equal(expected, glob.IsMatch(path));
        Assert.Equal(pattern[2..], glob.Pattern);
    }

    [Fact]
    public void Surrounding_whitespace_is_trimmed()
    {
        var glob = Glob.Parse("  *.css \t");
        Assert.Equal("*.css", glob.Pattern);
        Assert.True(glob.IsMatch("a/site.css"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_pattern_throws_FormatException(string pattern) =>
        Assert.Throws<FormatException>(() => Glob.Parse(pattern));

    [Fact]
    public void Dot_slash_alone_is_an_empty_pattern() =>
        Assert.Throws<FormatException>(() => Glob.Parse("./"));

    [Fact]
    public void Nested_braces_are_either_supported_or_rejected_with_FormatException()
    {
        // The task turns a FormatException into SO1016; any other exception fails the build with a stack trace.
        var error = Record.Exception(() => Glob.Parse("*.{css,{js,mjs}}"));
        if (error is null)
        {
            Assert.True(Glob.Parse("*.{css,{js,mjs}}").IsMatch("a/app.mjs"));
        }
        else
        {
            Assert.IsType<FormatException>(error);
        }
    }

    [Theory]
    [InlineData("*.{css,js")]
    [InlineData("{a")]
    public void Unclosed_brace_throws_FormatException(string pattern) =>
        Assert.Throws<FormatException>(() => Glob.Parse(pattern));

    [Fact]
    public void ParseList_splits_on_semicolons_and_trims()
    {
        var globs = Glob.ParseList(" **/*.css ;*.js;  ; index.html ");
        Assert.Equal(["**/*.css", "*.js", "index.html"], globs.Select(g => g.Pattern));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ; ;")]
    public void ParseList_of_nothing_is_empty(string? patterns) =>
        Assert.Empty(Glob.ParseList(patterns));

    [Fact]
    public void ParseList_rejects_an_invalid_member() =>
        Assert.Throws<FormatException>(() => Glob.ParseList("*.css;{a,b"));

    [Theory]
    [InlineData("/index.html", "index.html", true)]
    [InlineData("/index.html", "docs/index.html", false)]
    [InlineData("./index.html", "docs/index.html", false)]
    [InlineData("index.html", "docs/index.html", true)]
    [InlineData(".well-known/*", ".well-known/security.txt", true)]
    public void Leading_slash_anchors_the_pattern_at_the_synced_folder_root(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(path));
}
