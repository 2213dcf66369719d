using StaticOffload.Diagnostics;
using StaticOffload.Endpoints;

namespace StaticOffload.Tests.Endpoints;

public class FrameworkHeadersTests
{
    private static readonly EndpointHeaders Css = new("max-age=31536000, immutable", "text/css", true);
    private static readonly EndpointHeaders Html = new("no-cache", "text/html", false);

    private static readonly Dictionary<string, EndpointHeaders> ByAssetPath = new(StringComparer.Ordinal)
    {
        ["css/app.css"] = Css,
        ["public/index.html"] = Html,
    };

    [Theory]
    // The synced folder is the web root: paths as the manifest has them.
    [InlineData("wwwroot", null, "css/app.css|public/index.html")]
    [InlineData("./wwwroot/", "wwwroot", "css/app.css|public/index.html")]
    [InlineData(@"wwwroot\", "wwwroot", "css/app.css|public/index.html")]
    // Inside the web root: the part above the synced folder goes, files outside it drop out.
    [InlineData("wwwroot/public", null, "index.html")]
    [InlineData("WWWROOT/public", null, "index.html")]
    // Above it (the whole publish output): the web root is put in front.
    [InlineData("", null, "wwwroot/css/app.css|wwwroot/public/index.html")]
    [InlineData(".", null, "wwwroot/css/app.css|wwwroot/public/index.html")]
    [InlineData("", "site/root", "site/root/css/app.css|site/root/public/index.html")]
    public void Manifest_paths_are_rebased_onto_the_synced_folder(string? sourceFolder, string? webRoot, string expected)
    {
        var rebased = FrameworkHeaders.Rebase(ByAssetPath, webRoot, sourceFolder);

        Assert.NotNull(rebased);
        Assert.Equal(expected.Split('|'), rebased.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_synced_folder_beside_the_web_root_takes_nothing_from_the_manifest()
    {
        Assert.Null(FrameworkHeaders.Rebase(ByAssetPath, "wwwroot", "static"));
    }

    [Fact]
    public void An_unreadable_manifest_is_a_warning_and_no_headers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"so-{Guid.NewGuid():N}.staticwebassets.endpoints.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            var diagnostics = new List<Diagnostic>();

            Assert.Null(FrameworkHeaders.Load(path, null, "wwwroot", diagnostics));
            var warning = Assert.Single(diagnostics);
            Assert.Equal((DiagnosticSeverity.Warning, Messages.EndpointsManifestUnreadableCode, path), (warning.Severity, warning.Code, warning.File));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
