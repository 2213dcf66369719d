using StaticOffload.Diagnostics;

namespace StaticOffload.Files;

/// <summary>The diagnostics for a local file that cannot be read or changed under the sync, wherever that is found.</summary>
public static class FileProblems
{
    /// <param name="beforeAnyChange">Whether the sync stops before sending anything (else other files may be synced).</param>
    public static Diagnostic Unreadable(string path, Exception ex, bool beforeAnyChange = true) =>
        Diagnostic.Error(DiagnosticCodes.FileUnreadable,
            $"Cannot read '{path}' ({ex.Message}). Check that it exists and is readable, or exclude it with a StaticOffloadRule that sets Exclude=\"true\". "
            + (beforeAnyChange ? "Nothing was changed in the bucket." : "It is not recorded as synced; the next sync retries it."),
            path);

    public static SyncFailedException ChangedDuringUpload(string path) =>
        new(Diagnostic.Error(DiagnosticCodes.FileChangedDuringUpload,
            $"'{path}' changed while it was being uploaded; it is not recorded as synced. Run the sync again once the build has finished writing it.",
            path));
}
