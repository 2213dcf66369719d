using System.Diagnostics;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Snapshot;

namespace StaticOffload.Sync;

public sealed class ProgressReporter(string destination, ISyncLog log, TimeProvider clock)
{
    /// <summary>
    /// While a sync runs: a progress line every interval (files and bytes done, rate), and a checkpoint of the
    /// snapshot, so a build killed outright (SIGKILL, a cancelled CI job) loses at most one interval of work.
    /// </summary>
    /// <returns>An SO2009 warning when a checkpoint could not be saved (once, however many failed), else null.</returns>
    public async Task<Diagnostic?> RunAsync(PlanExecutor executor, SyncPlan plan, SnapshotStore snapshotStore, int deploys,
        Stopwatch stopwatch, TimeSpan interval, CancellationToken stop)
    {
        var total = plan.Changes.Count();
        var totalBytes = plan.UploadBytes;
        if (total == 0 || interval <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = new PeriodicTimer(interval);
        long lastBytes = 0;
        var lastTime = stopwatch.Elapsed;
        Diagnostic? notSaved = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var bytes = executor.BytesSent;
                var now = stopwatch.Elapsed;
                var rate = (bytes - lastBytes) / Math.Max(0.001, (now - lastTime).TotalSeconds);
                (lastBytes, lastTime) = (bytes, now);
                log.Important($"StaticOffload: {Format.Count(executor.Done)}/{Format.Count(total)} changes, {Format.Bytes(bytes)}/{Format.Bytes(totalBytes)} sent ({Format.Bytes((long)rate)}/s)");
                try
                {
                    snapshotStore.Save(new SyncSnapshot
                    {
                        Destination = destination,
                        UpdatedAt = clock.GetUtcNow(),
                        Deploys = deploys,
                        // Unknown: a run that resumes from a checkpoint rewrites the bucket's state.
                        RemoteStateSha256 = null,
                        Entries = executor.StateSnapshot(),
                    });
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A checkpoint is insurance against a kill, not the sync: the uploads go on, and the final save
                    // (which may find space again) decides what the next run trusts.
                    notSaved ??= LocalWriteFailure.Warning(DiagnosticCodes.CheckpointNotSaved, "A progress checkpoint of the sync snapshot",
                        snapshotStore.Path, ex, "The sync goes on; a build killed before the final save is recovered from the last snapshot that was saved.");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The sync finished; the final snapshot is written by the caller.
        }

        return notSaved;
    }
}
