using StaticOffload.Diagnostics;

namespace StaticOffload.Snapshot;

/// <summary>
/// Keeps two syncs of the same project (two publishes started at once, a CI retry overlapping the first try) from
/// interleaving their snapshot writes. An exclusive handle on "&lt;snapshot&gt;.lock": the OS releases it when the
/// process dies, so a killed build never leaves a stale lock behind.
/// </summary>
public sealed class SnapshotLock : IDisposable
{
    private readonly FileStream _handle;

    private SnapshotLock(FileStream handle) => _handle = handle;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> while another process holds the lock (SO1024 after that); a lock that
    /// cannot be created at all (read-only folder, full disk) fails at once with SO1030: waiting would not help.
    /// </summary>
    public static async Task<SnapshotLock> AcquireAsync(string snapshotPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = snapshotPath + ".lock";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                return new SnapshotLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    FileOptions.DeleteOnClose));
            }
            catch (IOException ex) when (LocalWriteFailure.IsSharingViolation(ex) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (LocalWriteFailure.IsSharingViolation(ex))
            {
                throw new SyncFailedException(Messages.SyncInProgress(path, timeout), ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SyncFailedException(LocalWriteFailure.Error("The snapshot lock", path, ex, "Nothing was changed."), ex);
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
