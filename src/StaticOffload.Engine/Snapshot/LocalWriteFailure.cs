using StaticOffload.Diagnostics;

namespace StaticOffload.Snapshot;

/// <summary>
/// Tells local write failures apart by the OS error code, never by the message (it is localized and differs by
/// platform): a lock another process holds is worth waiting for; a read-only folder or a full disk is not, and each
/// has its own fix.
/// </summary>
public static class LocalWriteFailure
{
    // On Unix .NET puts the raw errno in IOException.HResult; on Windows, HRESULT_FROM_WIN32 of the error code.
    private const int Eacces = 13;
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int WindowsAccessDenied = 5;
    private const int WindowsWriteProtect = 19;
    private const int WindowsSharingViolation = 32;
    private const int WindowsLockViolation = 33;
    private const int WindowsHandleDiskFull = 39;
    private const int WindowsDiskFull = 112;
    private const int WindowsQuotaExceeded = 1295;

    private static int Ewouldblock => OperatingSystem.IsLinux() ? 11 : 35;

    private static int Edquot => OperatingSystem.IsLinux() ? 122 : 69;

    /// <summary>Whether another process holds the file (FileShare.None, flock): the one failure that passes.</summary>
    public static bool IsSharingViolation(Exception ex) => ex is IOException { HResult: var code } && (OperatingSystem.IsWindows()
        ? Win32(code) is WindowsSharingViolation or WindowsLockViolation
        : code == Ewouldblock);

    /// <summary>
    /// An SO1030 error: <paramref name="what"/> ("The sync snapshot") at <paramref name="path"/> could not be written,
    /// why, <paramref name="consequence"/> (may be empty), and the fix.
    /// </summary>
    public static Diagnostic Error(string what, string path, Exception ex, string consequence = "") =>
        Messages.LocalWriteFailed(what, path, Classify(ex), ex, consequence);

    /// <summary>The same explanation as <see cref="Error"/>, as the SO2009 warning of a checkpoint that was not saved.</summary>
    public static Diagnostic CheckpointWarning(string what, string path, Exception ex, string consequence = "") =>
        Messages.CheckpointNotSaved(what, path, Classify(ex), ex, consequence);

    private static LocalWriteCause Classify(Exception ex)
    {
        if (ex is UnauthorizedAccessException)
        {
            // EACCES/EPERM on Unix, ERROR_ACCESS_DENIED on Windows: .NET raises this type for both, whatever HResult.
            return LocalWriteCause.AccessDenied;
        }

        var code = ex.HResult;
        if (OperatingSystem.IsWindows())
        {
            return Win32(code) switch
            {
                WindowsWriteProtect => LocalWriteCause.ReadOnly,
                WindowsAccessDenied => LocalWriteCause.AccessDenied,
                WindowsDiskFull or WindowsHandleDiskFull => LocalWriteCause.Full,
                WindowsQuotaExceeded => LocalWriteCause.Quota,
                _ => LocalWriteCause.Other,
            };
        }

        return code switch
        {
            Erofs => LocalWriteCause.ReadOnly,
            Eacces => LocalWriteCause.AccessDenied,
            Enospc => LocalWriteCause.Full,
            _ when code == Edquot => LocalWriteCause.Quota,
            _ => LocalWriteCause.Other,
        };
    }

    private static int Win32(int hresult) => (hresult & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000) ? hresult & 0xFFFF : hresult;
}

/// <summary>Why a local file could not be written; each has its own fix.</summary>
public enum LocalWriteCause
{
    Other,
    ReadOnly,
    AccessDenied,
    Full,
    Quota,
}
