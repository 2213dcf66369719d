using StaticOffload.Rules;

namespace StaticOffload.Tests.Rules;

public class ContentTypeMapTests
{
    [Theory]
    [InlineData("index.html", "text/html")]
    [InlineData("css/site.css", "text/css")]
    [InlineData("js/app.js", "text/javascript")]
    [InlineData("appsettings.json", "application/json")]
    [InlineData("img/logo.svg", "image/svg+xml")]
    [InlineData("_framework/dotnet.wasm", "application/wasm")]
    [InlineData("manifest.webmanifest", "application/manifest+json")]
    [InlineData("fonts/inter.woff2", "font/woff2")]
    [InlineData("archive.tar.gz", "application/gzip")]
    [InlineData("data.unknownext", ContentTypeMap.Fallback)]
    [InlineData("LICENSE", ContentTypeMap.Fallback)]
    public void Built_in_table_types_common_web_files(string path, string expected) =>
        Assert.Equal(expected, new ContentTypeMap().Resolve(path));

    [Fact]
    public void Unknown_extension_is_application_octet_stream() =>
        Assert.Equal("application/octet-stream", new ContentTypeMap().Resolve("blob.xyz"));

    [Theory]
    [InlineData("INDEX.HTML", "text/html")]
    [InlineData("Site.Css", "text/css")]
    [InlineData("fonts/Inter.WOFF2", "font/woff2")]
    public void Extensions_are_matched_in_any_case(string path, string expected) =>
        Assert.Equal(expected, new ContentTypeMap().Resolve(path));

    [Fact]
    public void Mapping_with_higher_priority_wins_whatever_its_position()
    {
        var map = new ContentTypeMap(
        [
            new ContentTypeMapping("text/low", Glob.Parse("*.txt"), 0),
            new ContentTypeMapping("text/high", Glob.Parse("*.txt"), 10),
            new ContentTypeMapping("text/middle", Glob.Parse("*.txt"), 5),
        ]);

        Assert.Equal("text/high", map.Resolve("notes/a.txt"));
    }

    [Fact]
    public void Mappings_of_equal_priority_keep_their_order()
    {
        var map = new ContentTypeMap(
        [
            new ContentTypeMapping("text/first", Glob.Parse("*.txt"), 1),
            new ContentTypeMapping("text/second", Glob.Parse("**"), 1),
        ]);

        Assert.Equal("text/first", map.Resolve("a.txt"));
        Assert.Equal("text/second", map.Resolve("a.bin"));
    }

    [Fact]
    public void Mappings_beat_the_built_in_table()
    {
        var map = new ContentTypeMap([new ContentTypeMapping("text/javascript; charset=utf-8", Glob.Parse("*.js"), 0)]);

        Assert.Equal("text/javascript; charset=utf-8", map.Resolve("js/app.js"));
        Assert.Equal("text/css", map.Resolve("css/site.css"));
    }

    [Fact]
    public void Mapping_with_a_folder_pattern_applies_only_there()
    {
        var map = new ContentTypeMap([new ContentTypeMapping("application/x-special", Glob.Parse("data/*.json"), 0)]);

        Assert.Equal("application/x-special", map.Resolve("data/a.json"));
        Assert.Equal("application/json", map.Resolve("other/a.json"));
    }
}
