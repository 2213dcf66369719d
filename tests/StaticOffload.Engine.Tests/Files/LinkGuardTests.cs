using StaticOffload.Files;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Files;

public sealed class LinkGuardTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"linkguard-{Guid.NewGuid():N}");
    private readonly string _site;
    private readonly string _outside;

    public LinkGuardTests()
    {
        _site = Path.Combine(_root, "site");
        _outside = Path.Combine(_root, "secrets");
        Directory.CreateDirectory(Path.Combine(_site, "css"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_site, "css", "a.css"), "a{}");
        File.WriteAllText(Path.Combine(_outside, "key.txt"), "secret");
    }

    private SelectedFile Selected(string relative) =>
        new(Path.Combine(_site, relative), relative, new ObjectHeaders("text/plain"), false, []);

    [Fact]
    public void Regular_files_and_links_that_stay_inside_are_kept()
    {
        File.CreateSymbolicLink(Path.Combine(_site, "alias.css"), Path.Combine(_site, "css", "a.css"));
        Directory.CreateSymbolicLink(Path.Combine(_site, "styles"), Path.Combine(_site, "css"));

        var (kept, warnings) = LinkGuard.Filter([Selected("css/a.css"), Selected("alias.css"), Selected("styles/a.css")], _site);

        Assert.Equal(3, kept.Count);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_file_link_to_outside_the_synced_folder_is_dropped_with_SO2006()
    {
        File.CreateSymbolicLink(Path.Combine(_site, "leak.txt"), Path.Combine(_outside, "key.txt"));

        var (kept, warnings) = LinkGuard.Filter([Selected("css/a.css"), Selected("leak.txt")], _site);

        Assert.Equal(["css/a.css"], kept.Select(f => f.RelativePath));
        Assert.Equal("SO2006", Assert.Single(warnings).Code);
    }

    [Fact]
    public void A_folder_link_to_outside_the_synced_folder_is_dropped()
    {
        Directory.CreateSymbolicLink(Path.Combine(_site, "more"), _outside);

        var (kept, warnings) = LinkGuard.Filter([Selected("more/key.txt")], _site);

        Assert.Empty(kept);
        Assert.Contains("outside", Assert.Single(warnings).Message);
    }

    [Fact]
    public void A_link_loop_is_dropped_instead_of_hanging()
    {
        File.CreateSymbolicLink(Path.Combine(_site, "a.lnk"), Path.Combine(_site, "b.lnk"));
        File.CreateSymbolicLink(Path.Combine(_site, "b.lnk"), Path.Combine(_site, "a.lnk"));

        var (kept, warnings) = LinkGuard.Filter([Selected("a.lnk")], _site);

        Assert.Empty(kept);
        Assert.Contains("cannot be resolved", Assert.Single(warnings).Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
