using System.Text.Json;
using StaticOffload.Diagnostics;

namespace StaticOffload.Snapshot;

/// <summary>
/// Reads and writes the snapshot file. Writes go to a temporary file in the same folder that then replaces the old
/// one in a single rename, so a killed build leaves either the old or the new snapshot, never half of one.
/// </summary>
public sealed class SnapshotStore(string path)
{
    public string Path { get; } = path;

    /// <summary>Loads the snapshot for a destination, or null (with a reason) when there is none to trust.</summary>
    public SyncSnapshot? Load(string destination, out Diagnostic? warning)
    {
        warning = null;
        if (!File.Exists(Path))
        {
            return null;
        }

        SyncSnapshot? snapshot;
        try
        {
            // Read whole and parsed from the span by hand (SnapshotFormat): the file is read in full either way.
            snapshot = SnapshotFormat.Read(File.ReadAllBytes(Path));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or IOException
                                       or UnauthorizedAccessException or NotSupportedException)
        {
            warning = Messages.SnapshotUnreadable(Path, ex);
            return null;
        }

        // Format 1 (earlier versions) is read as well: its MD5s and SHA-256s serve until a file changes.
        if (snapshot.Version is not (1 or SyncSnapshot.CurrentVersion) || snapshot.Entries is null)
        {
            warning = Messages.SnapshotOfOtherVersion(Path, snapshot.Version.ToString(), SyncSnapshot.CurrentVersion);
            return null;
        }

        if (!string.Equals(snapshot.Destination, destination, StringComparison.Ordinal))
        {
            warning = Messages.SnapshotForOtherDestination(Path, snapshot.Destination, destination);
            return null;
        }

        return snapshot;
    }

    public void Save(SyncSnapshot snapshot)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                SnapshotFormat.Write(stream, snapshot);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            // After a failed write the temporary file is never kept: on a full disk it is the space the next try needs.
            TryDelete(temporary);
        }
    }

    /// <summary>Removes the snapshot; false when it is still there (e.g. its folder became read-only).</summary>
    public bool TryDelete() => TryDelete(Path);

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return !File.Exists(path);
        }
    }
}
