using System.Diagnostics;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Sync;

/// <summary>
/// One sync: validate, take the local inventory, learn what the bucket holds (snapshot, else a listing), plan,
/// execute in phases, save the new snapshot. Every step that decides something is its own unit-tested type.
/// </summary>
public sealed class SyncEngine(IObjectStore store, ISyncLog log)
{
    public async Task<SyncResult> RunAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var diagnostics = new List<Diagnostic>(RequestValidator.Validate(request));
        if (diagnostics.Count > 0)
        {
            return Finish(new SyncResult { Diagnostics = diagnostics, Elapsed = clock.Elapsed });
        }

        var prefix = request.Destination.Prefix;
        var snapshotStore = new SnapshotStore(request.SnapshotPath);
        var snapshot = snapshotStore.Load(store.Destination, out var snapshotWarning);
        if (snapshotWarning is not null)
        {
            diagnostics.Add(snapshotWarning);
        }

        var (local, readErrors, hashed) = await LocalInventory.TakeAsync(request.Files, prefix, snapshot?.Entries, cancellationToken)
            .ConfigureAwait(false);
        if (readErrors.Count > 0)
        {
            diagnostics.AddRange(readErrors);
            return Finish(new SyncResult { Diagnostics = diagnostics, Elapsed = clock.Elapsed });
        }

        log.Detail($"StaticOffload: {local.Count} files, {hashed} hashed, {local.Count - hashed} unchanged on disk since the last sync.");

        Dictionary<string, SnapshotEntry> baseline;
        var usedListing = snapshot is null;
        try
        {
            baseline = snapshot?.Entries
                ?? await RemoteBaseline.BuildAsync(store, prefix, local, request.Concurrency, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(ex.Diagnostic);
            return Finish(new SyncResult { Diagnostics = diagnostics, Elapsed = clock.Elapsed, UsedListing = usedListing });
        }

        var plan = SyncPlanner.Plan(local, baseline, request.DeleteRemoved);
        var deletes = plan.Count(SyncActionKind.Delete);
        if (deletes > request.MaxDeletes)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TooManyDeletes,
                $"The sync would delete {deletes} objects from {store.Destination}, more than StaticOffloadMaxDeletes ({request.MaxDeletes}). Nothing was changed. If the publish output really shrank, raise StaticOffloadMaxDeletes for this run (-p:StaticOffloadMaxDeletes={deletes}); if the wrong folder is synced, fix StaticOffloadSourceFolder."));
            LogPlan(plan, dryRun: true);
            return Finish(new SyncResult { Plan = plan, Diagnostics = diagnostics, Elapsed = clock.Elapsed, UsedListing = usedListing });
        }

        if (request.DryRun)
        {
            LogPlan(plan, dryRun: true);
            return Finish(new SyncResult { Plan = plan, Diagnostics = diagnostics, Elapsed = clock.Elapsed, UsedListing = usedListing, DryRun = true });
        }

        var executor = new PlanExecutor(store, request.Concurrency, log) { State = new(baseline, StringComparer.Ordinal) };
        try
        {
            await executor.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Runs on Ctrl+C too: what did happen is recorded, so the next run neither repeats nor misses it.
            RefreshUnchanged(executor.State, plan, executor.Completed);
            snapshotStore.Save(new SyncSnapshot
            {
                Destination = store.Destination,
                UpdatedAt = DateTimeOffset.UtcNow,
                Entries = executor.State,
            });
        }

        diagnostics.AddRange(executor.Errors);
        return Finish(new SyncResult
        {
            Plan = plan,
            Completed = executor.Completed.ToArray(),
            Diagnostics = diagnostics,
            BytesUploaded = executor.BytesUploaded,
            Elapsed = clock.Elapsed,
            UsedListing = usedListing,
        });
    }

    /// <summary>
    /// An unchanged file gets its current size, mtime and digests recorded, so the next run skips reading it again
    /// (after a fresh clone every mtime is new while the content is not).
    /// </summary>
    private static void RefreshUnchanged(Dictionary<string, SnapshotEntry> state, SyncPlan plan, IReadOnlyCollection<SyncAction> completed)
    {
        foreach (var action in plan.Actions.Where(a => a.Kind == SyncActionKind.Unchanged))
        {
            var file = action.Local!;
            if (state.TryGetValue(action.Key, out var entry))
            {
                state[action.Key] = entry with
                {
                    LastWriteTicks = file.LastWriteTicks,
                    Md5 = file.Digest.Md5,
                    Sha256 = file.Digest.Sha256,
                    Headers = file.Headers,
                };
            }
        }
    }

    private void LogPlan(SyncPlan plan, bool dryRun)
    {
        log.Important($"StaticOffload: {(dryRun ? "dry run, nothing is changed. " : "")}Plan for {store.Destination}:");
        foreach (var action in plan.Changes)
        {
            log.Important($"  {action.Phase,-10} {action}");
        }
    }

    private SyncResult Finish(SyncResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            log.Report(diagnostic);
        }

        log.Important(SyncSummary.Format(store.Destination, result));
        return result;
    }
}
