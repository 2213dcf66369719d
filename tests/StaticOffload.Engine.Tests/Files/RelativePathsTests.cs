using StaticOffload.Files;

namespace StaticOffload.Tests.Files;

public class RelativePathsTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData(" . ", "")]
    [InlineData("./", "")]
    [InlineData("/", "")]
    [InlineData("wwwroot", "wwwroot/")]
    [InlineData("./wwwroot/", "wwwroot/")]
    [InlineData(".//wwwroot", "wwwroot/")]
    [InlineData(@"wwwroot\public\", "wwwroot/public/")]
    [InlineData("/wwwroot/public", "wwwroot/public/")]
    public void A_folder_is_empty_for_the_root_or_ends_in_a_slash(string? folder, string expected)
    {
        Assert.Equal(expected, RelativePaths.Folder(folder));
    }

    [Theory]
    [InlineData("css/site.css", "css/site.css")]
    [InlineData(@"css\site.css", "css/site.css")]
    [InlineData("/old/pricing.html", "old/pricing.html")]
    [InlineData(@"\\a\b", "a/b")]
    public void A_file_path_has_forward_slashes_and_no_leading_slash(string path, string expected)
    {
        Assert.Equal(expected, RelativePaths.File(path));
    }
}
