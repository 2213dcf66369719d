using StaticOffload.Diagnostics;
using StaticOffload.Snapshot;

namespace StaticOffload.Sync;

/// <summary>
/// Saves the local snapshot at the end of a run, and keeps it true when it cannot: a snapshot that could not be
/// replaced describes the bucket as it was before this run, and trusted, it would skip a file changed back to an
/// earlier content. So it is removed, with its stamp, and the next run reconciles from the bucket (its state object,
/// else a listing) instead.
/// </summary>
internal static class SyncStateWriter
{
    public static void SaveSnapshot(SnapshotStore snapshotStore, SyncSnapshot snapshot, List<Diagnostic> diagnostics)
    {
        try
        {
            snapshotStore.Save(snapshot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SyncStamp.Delete(snapshotStore.Path);
            var consequence = snapshotStore.TryDelete()
                ? "The previous snapshot no longer describes the bucket and was removed: the next sync reconciles with the bucket instead of trusting it."
                : $"The previous snapshot no longer describes the bucket and could not be removed either: delete '{snapshotStore.Path}' before the next sync, or run it with StaticOffloadVerify=true.";
            diagnostics.Add(LocalWriteFailure.Error("The sync snapshot", snapshotStore.Path, ex, consequence));
        }
    }
}
