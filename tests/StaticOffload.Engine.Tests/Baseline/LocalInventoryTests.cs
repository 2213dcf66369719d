using StaticOffload.Baseline;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Baseline;

public class LocalInventoryTests
{
    /// <summary>A file that is there (this test assembly), or one in a folder that is not.</summary>
    private static LocalFile File(string name, bool exists) => new("site/" + name,
        exists ? typeof(LocalInventoryTests).Assembly.Location : Path.Combine(Path.GetTempPath(), $"so-missing-{Guid.NewGuid():N}", name),
        1, 1, null, new ObjectHeaders("text/plain"), false);

    [Fact]
    public void Unreadable_names_each_file_asked_of_that_cannot_be_opened_in_request_order()
    {
        // More than one thread's worth of files, with the missing ones spread over them.
        var files = Enumerable.Range(0, 200).Select(i => File($"f{i:000}.txt", exists: i % 50 != 7)).ToArray();
        var redirect = new LocalFile("site/old", "", 0, 0, null, new ObjectHeaders("text/html", RedirectLocation: "/new"), true);
        files = [.. files, redirect];

        var errors = LocalInventory.Unreadable(files, Enumerable.Range(0, files.Length).ToArray());

        Assert.All(errors, e => Assert.Equal(Messages.FileUnreadableCode, e.Code));
        Assert.Equal([files[7].FullPath, files[57].FullPath, files[107].FullPath, files[157].FullPath], errors.Select(e => e.File));
    }

    [Fact]
    public void Unreadable_opens_only_the_files_asked_of()
    {
        LocalFile[] files = [File("gone.txt", exists: false), File("here.txt", exists: true)];

        Assert.Empty(LocalInventory.Unreadable(files, [1]));
        Assert.Equal(files[0].FullPath, Assert.Single(LocalInventory.Unreadable(files, [0, 1])).File);
    }
}
