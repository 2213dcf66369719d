using StaticOffload.Diagnostics;
using StaticOffload.Files;
using StaticOffload.Settings;

namespace StaticOffload.Tests.Files;

public sealed class FileResolverTests : IDisposable
{
    private readonly string _publish = Path.Combine(Path.GetTempPath(), $"so-resolve-{Guid.NewGuid():N}");

    public FileResolverTests()
    {
        foreach (var file in new[] { "App.dll", "wwwroot/index.html", "wwwroot/css/site.css", "wwwroot/css/site.css.br", "wwwroot/app.js.map" })
        {
            var path = Path.Combine(_publish, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    public void Dispose() => Directory.Delete(_publish, recursive: true);

    private ResolveSettings Settings => new()
    {
        PublishDir = _publish,
        PublishItemPaths = ["App.dll", "wwwroot/index.html", "", "wwwroot/app.js.map"],
        StaticWebAssetPaths = ["wwwroot/css/site.css", "wwwroot/css/site.css.br"],
        SourceFolder = "wwwroot",
        DefaultRules =
        [
            new RuleSetting("Assets", "*.css;*.js", new(CacheControl: "public, max-age=31536000")),
            new RuleSetting("Html", "*.html", new(CacheControl: "no-cache"), EntryFile: "true"),
        ],
        Rules = [new RuleSetting("Maps", "*.map", new(), Exclude: "TRUE")],
    };

    private static string[] Keys(ResolveResult result) => result.Files.Select(f => f.RelativePath).ToArray();

    [Fact]
    public void Publish_items_and_static_web_assets_below_the_synced_folder_get_their_rules()
    {
        var result = FileResolver.Resolve(Settings);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["css/site.css", "index.html"], Keys(result));
        Assert.Equal(("public, max-age=31536000", false), (result.Files[0].Headers.CacheControl, result.Files[0].EntryFile));
        Assert.Equal(("no-cache", true), (result.Files[1].Headers.CacheControl, result.Files[1].EntryFile));
        Assert.Equal(Path.Combine(_publish, "wwwroot/index.html"), result.Files[1].FullPath);
        Assert.Contains("StaticOffload: 2 files to sync from 'wwwroot'; 1 excluded by rules, 1 precompressed siblings skipped.", result.Details);
    }

    [Fact]
    public void Precompressed_siblings_are_uploaded_when_asked()
    {
        var result = FileResolver.Resolve(Settings with { CompressedAssets = " upload " });

        Assert.Equal(["css/site.css", "css/site.css.br", "index.html"], Keys(result));
    }

    [Fact]
    public void Without_publish_items_the_publish_folder_is_scanned()
    {
        var result = FileResolver.Resolve(Settings with { PublishItemPaths = [], StaticWebAssetPaths = [], ScanPublishDir = true });

        Assert.Equal(["css/site.css", "index.html"], Keys(result));
    }

    [Fact]
    public void Extra_files_join_at_their_relative_path_or_their_file_name()
    {
        var extra = Path.Combine(_publish, "App.dll");
        var result = FileResolver.Resolve(Settings with
        {
            ExtraFiles = [new ExtraFileSetting(extra, "bin/App.dll", "App.dll"), new ExtraFileSetting(extra, " ", "App.dll")],
        });

        Assert.Equal(["css/site.css", "index.html", "App.dll", "bin/App.dll"], Keys(result));
    }

    public static TheoryData<Func<ResolveSettings, ResolveSettings>, string, string> Invalid => new()
    {
        { s => s with { CompressedAssets = "Maybe" }, Messages.InvalidPropertyCode, "StaticOffloadCompressedAssets is 'Maybe'; use Skip (default) or Upload." },
        { s => s with { CompressedAssets = "7" }, Messages.InvalidPropertyCode, "StaticOffloadCompressedAssets is '7'" },
        { s => s with { Rules = [new RuleSetting("Broken", "*.{css,js", new())] }, Messages.InvalidRuleCode, "StaticOffloadRule 'Broken' has an invalid Pattern" },
        { s => s with { Rules = [new RuleSetting("Cold", "*.css", new(StorageClass: "FROZEN"))] }, Messages.UnknownStorageClassCode, "FROZEN" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_setting_or_rule_fails_with_its_code_and_no_files(Func<ResolveSettings, ResolveSettings> set, string code, string message)
    {
        var result = FileResolver.Resolve(set(Settings));

        Assert.False(result.Succeeded);
        Assert.Empty(result.Files);
        var problem = Assert.Single(result.Diagnostics);
        Assert.Equal(code, problem.Code);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_endpoints_manifest_gives_headers_rebased_onto_the_synced_folder()
    {
        var manifest = Path.Combine(_publish, "App.staticwebassets.endpoints.json");
        File.WriteAllText(manifest, """
            { "Version": 1, "ManifestType": "Publish", "Endpoints": [
              { "Route": "css/site.css", "AssetFile": "css/site.css", "Selectors": [],
                "ResponseHeaders": [ { "Name": "Cache-Control", "Value": "no-cache" }, { "Name": "Content-Type", "Value": "text/css" } ] } ] }
            """);

        var result = FileResolver.Resolve(Settings with { EndpointsManifest = manifest });
        var off = FileResolver.Resolve(Settings with { EndpointsManifest = manifest, HeadersFromEndpoints = false });

        Assert.Equal("no-cache", result.Files.Single(f => f.RelativePath == "css/site.css").Headers.CacheControl);
        Assert.Contains($"StaticOffload: headers for 1 assets from {manifest}.", result.Details);
        Assert.Equal("public, max-age=31536000", off.Files.Single(f => f.RelativePath == "css/site.css").Headers.CacheControl);
    }

    [Fact]
    public void An_unreadable_endpoints_manifest_is_a_warning_and_the_rules_decide()
    {
        var manifest = Path.Combine(_publish, "App.staticwebassets.endpoints.json");
        File.WriteAllText(manifest, "{");

        var result = FileResolver.Resolve(Settings with { EndpointsManifest = manifest });

        Assert.True(result.Succeeded);
        Assert.Equal(Messages.EndpointsManifestUnreadableCode, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(["css/site.css", "index.html"], Keys(result));
    }
}
