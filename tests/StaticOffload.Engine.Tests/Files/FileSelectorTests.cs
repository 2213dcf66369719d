using StaticOffload.Files;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Files;

public class FileSelectorTests
{
    private const string Immutable = "max-age=31536000, immutable";

    private static readonly RuleMatcher Rules = new(
    [
        new SyncRule("defaults", Glob.ParseList("**"), new(CacheControl: "max-age=60")),
        new SyncRule("css", Glob.ParseList("*.css"), new(CacheControl: Immutable)),
        new SyncRule("html", Glob.ParseList("*.html"), new(CacheControl: "no-cache"), EntryFile: true),
        new SyncRule("maps", Glob.ParseList("*.map"), new(), Exclude: true),
    ], new ContentTypeMap());

    private static SelectionResult Select(string? sourceFolder, params string[] relativePaths) =>
        Select(CompressedAssetMode.Skip, sourceFolder, relativePaths);

    private static SelectionResult Select(CompressedAssetMode mode, string? sourceFolder, params string[] relativePaths) =>
        new FileSelector(Rules, mode).Select(relativePaths.Select(p => new PublishedFile("/publish/" + p, p)), sourceFolder);

    private static string[] Keys(SelectionResult result) => result.Files.Select(f => f.RelativePath).ToArray();

    [Fact]
    public void Selects_only_files_under_the_source_folder_with_paths_relative_to_it()
    {
        var result = Select("wwwroot", "wwwroot/index.html", "wwwroot/css/site.css", "app.dll", "web.config", "wwwroot2/x.js");

        Assert.Equal(["css/site.css", "index.html"], Keys(result));
        Assert.Equal("/publish/wwwroot/css/site.css", result.Files[0].FullPath);
    }

    [Fact]
    public void Source_folder_is_matched_ignoring_case()
    {
        var result = Select("wwwroot", "WWWRoot/index.html");
        Assert.Equal(["index.html"], Keys(result));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("/")]
    public void Empty_source_folder_selects_everything(string? sourceFolder)
    {
        var result = Select(sourceFolder, "wwwroot/index.html", "app.dll");
        Assert.Equal(["app.dll", "wwwroot/index.html"], Keys(result));
    }

    [Theory]
    [InlineData("wwwroot/")]
    [InlineData("/wwwroot/")]
    [InlineData(@"wwwroot\")]
    [InlineData(" wwwroot ")]
    [InlineData("site/wwwroot")]
    [InlineData("site/wwwroot/")]
    [InlineData(@"site\wwwroot")]
    public void Slashes_and_spaces_around_the_source_folder_do_not_matter(string sourceFolder)
    {
        var prefix = sourceFolder.Contains("site") ? "site/wwwroot/" : "wwwroot/";
        var result = Select(sourceFolder, prefix + "index.html", "other/a.js");
        Assert.Equal(["index.html"], Keys(result));
    }

    [Fact]
    public void Source_folder_with_a_leading_dot_slash_selects_files_under_it()
    {
        var result = Select("./wwwroot", "wwwroot/index.html", "app.dll");
        Assert.Equal(["index.html"], Keys(result));
    }

    [Fact]
    public void Backslash_relative_paths_become_forward_slash_keys()
    {
        var result = Select("wwwroot", @"wwwroot\css\site.css", @"\wwwroot\js\app.js");
        Assert.Equal(["css/site.css", "js/app.js"], Keys(result));
    }

    [Fact]
    public void Rules_are_applied_to_the_path_relative_to_the_source_folder()
    {
        var result = Select("wwwroot", "wwwroot/css/site.css", "wwwroot/index.html");
        var css = result.Files.Single(f => f.RelativePath == "css/site.css");
        var html = result.Files.Single(f => f.RelativePath == "index.html");

        Assert.Equal(new ObjectHeaders("text/css", Immutable), css.Headers);
        Assert.False(css.EntryFile);
        Assert.Equal(["defaults", "css"], css.MatchedRules);
        Assert.Equal(new ObjectHeaders("text/html", "no-cache"), html.Headers);
        Assert.True(html.EntryFile);
    }

    [Fact]
    public void Excluded_files_are_dropped_and_counted()
    {
        var result = Select("", "js/app.js", "js/app.js.map", "css/site.css.map");

        Assert.Equal(["js/app.js"], Keys(result));
        Assert.Equal(2, result.Excluded);
    }

    [Theory]
    [InlineData("css/site.css.br")]
    [InlineData("css/site.css.gz")]
    [InlineData("css/site.css.BR")]
    public void Compressed_sibling_is_skipped_in_Skip_mode_when_the_original_exists(string sibling)
    {
        var result = Select(CompressedAssetMode.Skip, "", "css/site.css", sibling);

        Assert.Equal(["css/site.css"], Keys(result));
        Assert.Equal(1, result.CompressedSkipped);
        Assert.Equal(0, result.Excluded);
    }

    [Theory]
    [InlineData("css/site.css.br", "br")]
    [InlineData("css/site.css.gz", "gzip")]
    public void Compressed_sibling_in_Upload_mode_is_typed_as_the_original_with_its_encoding(string sibling, string encoding)
    {
        var result = Select(CompressedAssetMode.Upload, "", "css/site.css", sibling);

        Assert.Equal(["css/site.css", sibling], Keys(result));
        var compressed = result.Files[1];
        Assert.Equal(new ObjectHeaders("text/css", Immutable, encoding), compressed.Headers);
        Assert.Equal(["defaults", "css"], compressed.MatchedRules);
        Assert.Equal(0, result.CompressedSkipped);
    }

    [Fact]
    public void Compressed_sibling_of_an_entry_file_is_an_entry_file()
    {
        var result = Select(CompressedAssetMode.Upload, "", "index.html", "index.html.br");
        Assert.True(result.Files.Single(f => f.RelativePath == "index.html.br").EntryFile);
    }

    [Fact]
    public void Compressed_sibling_takes_its_own_storage_class_and_acl_when_a_rule_sets_them()
    {
        var rules = new RuleMatcher(
        [
            new SyncRule("css", Glob.ParseList("*.css"), new(CacheControl: Immutable, StorageClass: "STANDARD", Acl: "private")),
            new SyncRule("siblings", Glob.ParseList("*.br"), new(StorageClass: "STANDARD_IA", Acl: "public-read")),
        ], new ContentTypeMap());
        var result = new FileSelector(rules, CompressedAssetMode.Upload)
            .Select([new PublishedFile("/p/site.css", "site.css"), new PublishedFile("/p/site.css.br", "site.css.br")], "");

        Assert.Equal(new ObjectHeaders("text/css", Immutable, "br", "STANDARD_IA", "public-read"), result.Files[1].Headers);
    }

    [Fact]
    public void Compressed_sibling_of_an_excluded_original_is_excluded_in_Upload_mode()
    {
        var result = Select(CompressedAssetMode.Upload, "", "js/app.js.map", "js/app.js.map.gz");

        Assert.Empty(result.Files);
        Assert.Equal(2, result.Excluded);
    }

    [Fact]
    public void Compressed_sibling_keeps_its_headers_when_its_original_is_deleted()
    {
        // Deleting app.js must not turn app.js.br into a changed object (a metadata copy without Content-Encoding).
        var framework = new Dictionary<string, StaticOffload.Endpoints.EndpointHeaders>
        {
            ["app.js"] = new("no-cache", "text/javascript", false),
            ["app.js.br"] = new("no-cache", "text/javascript", false, "br"),
        };
        var selector = new FileSelector(new RuleMatcher([], new ContentTypeMap(), 0, framework), CompressedAssetMode.Upload);

        var before = selector.Select([new PublishedFile("/p/app.js", "app.js"), new PublishedFile("/p/app.js.br", "app.js.br")], "");
        var after = selector.Select([new PublishedFile("/p/app.js.br", "app.js.br")], "");

        Assert.Equal(new ObjectHeaders("text/javascript", "no-cache", "br"), after.Files.Single().Headers);
        Assert.Equal(before.Files.Single(f => f.RelativePath == "app.js.br").Headers, after.Files.Single().Headers);
    }

    [Fact]
    public void Compressed_variant_keeps_the_user_rule_of_its_original_while_the_original_is_missing()
    {
        // A rule for *.css reaches site.css.br through site.css; deleting site.css must not take it away.
        var framework = new Dictionary<string, StaticOffload.Endpoints.EndpointHeaders>
        {
            ["site.css"] = new("no-cache", "text/css", false),
            ["site.css.br"] = new("no-cache", "text/css", false, "br"),
        };
        var rules = new RuleMatcher([new SyncRule("Mine", Glob.ParseList("*.css"), new(CacheControl: "max-age=605"))], new ContentTypeMap(), 0, framework);
        var selector = new FileSelector(rules, CompressedAssetMode.Upload);

        var with = selector.Select([new PublishedFile("/p/site.css", "site.css"), new PublishedFile("/p/site.css.br", "site.css.br")], "");
        var without = selector.Select([new PublishedFile("/p/site.css.br", "site.css.br")], "");

        Assert.Equal(new ObjectHeaders("text/css", "max-age=605", "br"), without.Files.Single().Headers);
        Assert.Equal(with.Files.Single(f => f.RelativePath == "site.css.br").Headers, without.Files.Single().Headers);
        Assert.Equal(1, new FileSelector(rules, CompressedAssetMode.Skip).Select([new PublishedFile("/p/site.css.br", "site.css.br")], "").CompressedSkipped);
    }

    [Theory]
    [InlineData(CompressedAssetMode.Skip)]
    [InlineData(CompressedAssetMode.Upload)]
    public void Standalone_gz_without_an_original_is_a_normal_file(CompressedAssetMode mode)
    {
        var result = Select(mode, "", "downloads/data.csv.gz", "css/site.css");

        var gz = result.Files.Single(f => f.RelativePath == "downloads/data.csv.gz");
        Assert.Equal(new ObjectHeaders("application/gzip", "max-age=60"), gz.Headers);
        Assert.Equal(0, result.CompressedSkipped);
    }

    [Fact]
    public void Original_outside_the_source_folder_does_not_make_a_sibling()
    {
        var result = Select(CompressedAssetMode.Skip, "wwwroot", "site.css", "wwwroot/site.css.gz");

        Assert.Equal(["site.css.gz"], Keys(result));
        Assert.Equal(0, result.CompressedSkipped);
    }

    [Fact]
    public void Duplicate_relative_path_keeps_the_last_file()
    {
        var result = new FileSelector(Rules, CompressedAssetMode.Skip).Select(
        [
            new PublishedFile("/first/site.css", "wwwroot/site.css"),
            new PublishedFile("/second/site.css", @"wwwroot\site.css"),
        ], "wwwroot");

        var file = Assert.Single(result.Files);
        Assert.Equal("/second/site.css", file.FullPath);
    }

    [Fact]
    public void Files_are_ordered_ordinally_by_relative_path()
    {
        var result = Select("", "b.js", "a.js", "B.js", "_x.js", "a/z.js", "a.JS");
        Assert.Equal(["B.js", "_x.js", "a.JS", "a.js", "a/z.js", "b.js"], Keys(result));
    }

    [Fact]
    public void The_source_folder_itself_is_not_a_file()
    {
        var result = Select("wwwroot", "wwwroot/", "wwwroot/a.js");
        Assert.Equal(["a.js"], Keys(result));
    }
}
