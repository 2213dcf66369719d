using StaticOffload.Baseline;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Baseline;

public sealed class LocalInventoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("so-inventory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LocalFile File(string name, bool exists = true)
    {
        var path = Path.Combine(_folder, name);
        if (exists)
        {
            System.IO.File.WriteAllText(path, name);
        }

        return new LocalFile("site/" + name, path, name.Length, 1, null, new ObjectHeaders("text/plain"), false);
    }

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
        LocalFile[] files = [File("gone.txt", exists: false), File("here.txt")];

        Assert.Empty(LocalInventory.Unreadable(files, [1]));
        Assert.Equal(files[0].FullPath, Assert.Single(LocalInventory.Unreadable(files, [0, 1])).File);
    }
}
