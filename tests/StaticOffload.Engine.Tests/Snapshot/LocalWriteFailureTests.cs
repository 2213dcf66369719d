using StaticOffload.Diagnostics;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Snapshot;

public sealed class LocalWriteFailureTests
{
    private const string Path = "/work/app/obj/Release/net10.0/staticoffload.snapshot.json";

    // The error code as .NET reports it: the raw errno on Linux, HRESULT_FROM_WIN32 on Windows.
    private static IOException Failure(int linuxErrno, int win32Error) =>
        new("message text is never read", OperatingSystem.IsWindows() ? unchecked((int)0x80070000) | win32Error : linuxErrno);

    public static TheoryData<int, int, string, string> Causes => new()
    {
        { 30, 19, "the file system is read-only", "Make '/work/app/obj/Release/net10.0' writable" },
        { 28, 112, "the disk is full", "Free space on the disk that holds '/work/app/obj/Release/net10.0'" },
        { 28, 39, "the disk is full", "Free space" },
        { 122, 1295, "the disk quota is exceeded", "Free space within the quota" },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public void The_cause_and_the_fix_come_from_the_error_code(int linuxErrno, int win32Error, string reason, string fix)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return; // The table holds Linux errno values; macOS and the BSDs number EDQUOT differently.
        }

        var error = LocalWriteFailure.Error("The sync snapshot", Path, Failure(linuxErrno, win32Error));

        Assert.Equal(Messages.LocalWriteFailedCode, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(Path, error.File);
        Assert.StartsWith($"The sync snapshot '{Path}' could not be written: {reason}.", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.Contains("StaticOffloadSnapshotFile", error.Message, StringComparison.Ordinal);
        Assert.False(LocalWriteFailure.IsSharingViolation(Failure(linuxErrno, win32Error)));
    }

    [Fact]
    public void Access_denied_asks_for_a_writable_folder()
    {
        var error = LocalWriteFailure.Error("The snapshot lock", Path + ".lock", new UnauthorizedAccessException("Access to the path is denied."));

        Assert.Contains("access is denied", error.Message, StringComparison.Ordinal);
        Assert.Contains("writable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_another_handle_holds_exclusively_is_a_sharing_violation_and_nothing_else_is()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"so-lock-{Guid.NewGuid():N}");
        using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
            var held = Assert.ThrowsAny<IOException>(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            Assert.True(LocalWriteFailure.IsSharingViolation(held));
        }

        Assert.False(LocalWriteFailure.IsSharingViolation(new IOException("busy", 5)));
        Assert.False(LocalWriteFailure.IsSharingViolation(new UnauthorizedAccessException()));
    }

    [Fact]
    public void A_warning_carries_its_own_code_and_the_same_explanation()
    {
        var warning = LocalWriteFailure.CheckpointWarning("A progress checkpoint", Path, Failure(28, 112), "The sync goes on.");

        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(Messages.CheckpointNotSavedCode, warning.Code);
        Assert.Contains("the disk is full. The sync goes on. Free space", warning.Message, StringComparison.Ordinal);
    }
}
