using StaticOffload.Diagnostics;
using StaticOffload.Files;

namespace StaticOffload.Tests.Files;

public sealed class FileBodyTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"so-body-{Guid.NewGuid():N}.bin");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    public void Reads_the_whole_file_with_its_mtime(int length)
    {
        var content = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(_path, content);
        var mtime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(_path, mtime);

        using var body = FileBody.Read(_path, 1 << 20);

        Assert.Equal(content, body.Content.ToArray());
        Assert.Equal(length, body.Length);
        Assert.Equal(File.GetLastWriteTimeUtc(_path).Ticks, body.LastWriteTicks);
    }

    [Fact]
    public void File_grown_past_the_limit_since_it_was_planned_is_reported_as_changed()
    {
        File.WriteAllBytes(_path, new byte[2048]);

        var error = Assert.Throws<SyncFailedException>(() => FileBody.Read(_path, 1024));

        Assert.Equal(Messages.FileChangedDuringUploadCode, error.Diagnostic.Code);
        Assert.Equal(_path, error.Diagnostic.File);
    }

    [Fact]
    public void Missing_file_is_unreadable_and_says_it_is_not_recorded()
    {
        var error = Assert.Throws<SyncFailedException>(() => FileBody.Read(_path, 1024));

        Assert.Equal(Messages.FileUnreadableCode, error.Diagnostic.Code);
        Assert.Contains("not recorded as synced", error.Diagnostic.Message);
    }

    [Fact]
    public void Content_is_gone_after_dispose()
    {
        File.WriteAllBytes(_path, [1, 2, 3]);
        var body = FileBody.Read(_path, 1024);
        body.Dispose();

        Assert.Throws<ObjectDisposedException>(() => body.Content);
    }
}
