using System.Diagnostics;
using StaticOffload.Baseline;
using StaticOffload.Diagnostics;
using StaticOffload.Execution;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Safety;
using StaticOffload.Snapshot;
using StaticOffload.State;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload;

/// <summary>
/// One sync, in stages, each its own type with one job:
/// <list type="number">
/// <item>check the request (<see cref="RequestValidator"/>) and take the snapshot's lock (<see cref="SnapshotLock"/>);</item>
/// <item>learn what is here and what is there (<see cref="BaselineLoader"/>);</item>
/// <item>refuse a plan that is dangerous as a whole (<see cref="SafetyChecks"/>);</item>
/// <item>plan, per key (<see cref="SyncPlanner"/>; a dry run stops here and prints it);</item>
/// <item>execute, phase by phase (<see cref="PlanExecutor"/>);</item>
/// <item>write what was done: checkpoints, the bucket's state, the snapshot, the stamp (<see cref="SyncStateWriter"/>).</item>
/// </list>
/// Everything that decides is in those types and unit-tested; this class only runs them in order.
/// </summary>
public sealed class SyncEngine(IObjectStore store, ISyncLog log, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<SyncResult> RunAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        request = RequestNormalizer.NormalizeKeys(request);
        var diagnostics = new List<Diagnostic>(RequestValidator.Validate(request));
        if (diagnostics.Count > 0)
        {
            return Finish(request, Result(diagnostics, stopwatch));
        }

        request = RequestNormalizer.DropUnsupportedHeaders(request, diagnostics);
        SnapshotLock snapshotLock;
        try
        {
            snapshotLock = await SnapshotLock.AcquireAsync(request.SnapshotPath, request.LockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(ex.Diagnostic);
            return Finish(request, Result(diagnostics, stopwatch));
        }

        using (snapshotLock)
        {
            return Finish(request, await RunLockedAsync(request, diagnostics, stopwatch, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<SyncResult> RunLockedAsync(SyncRequest request, List<Diagnostic> diagnostics, Stopwatch stopwatch,
        CancellationToken cancellationToken)
    {
        var snapshotStore = new SnapshotStore(request.SnapshotPath);
        var loaded = await new BaselineLoader(store, log).LoadAsync(request, snapshotStore, diagnostics, cancellationToken).ConfigureAwait(false);
        if (loaded.NoChange)
        {
            return Result(diagnostics, stopwatch) with { Plan = SyncPlanner.AllUnchanged(loaded.Local) };
        }

        if (loaded.Bucket is not { } baseline)
        {
            return Result(diagnostics, stopwatch) with { UsedListing = loaded.Listed };
        }

        var local = loaded.Local;
        var previousLive = baseline.Entries.Values.Count(e => e.RemovedAt is null);
        if (SafetyChecks.Shrink(store.Destination, local.Count, previousLive, request.DeleteRemoved, request.AllowShrink) is { } shrank)
        {
            diagnostics.Add(shrank);
            return Result(diagnostics, stopwatch) with { UsedListing = baseline.Listed };
        }

        var now = _clock.GetUtcNow();
        var prefix = request.Destination.Prefix;
        var policy = new DeletePolicy(request.DeleteRemoved, request.DeleteAfterDeploys, request.DeleteAfterAge, baseline.Deploys + 1, now, prefix);
        var plan = SyncPlanner.Plan(local, baseline.Entries, policy, request.Destination.Capabilities);
        var planned = Result(diagnostics, stopwatch) with { Plan = plan, UsedListing = baseline.Listed };
        var checks = SafetyChecks.Plan(new SafetyInput(plan, store.Destination, prefix, local.Count, request.AllowRootDelete, request.MaxDeletes));
        diagnostics.AddRange(checks);
        if (checks.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            if (checks.Any(d => d.Code == Messages.TooManyDeletesCode))
            {
                // What would have been deleted is what the user needs to see to decide.
                LogPlan(plan);
            }

            return planned with { Elapsed = stopwatch.Elapsed };
        }

        if (request.DryRun)
        {
            LogPlan(plan);
            return planned with { Elapsed = stopwatch.Elapsed, DryRun = true };
        }

        if (plan.Changes.Any())
        {
            log.Important(RunNarration.Starting(store.Destination, plan));
            if (!baseline.Listed)
            {
                // Nothing was read from the bucket this run: one cheap read first, so missing or refused credentials or
                // a silent endpoint fail here, before anything is changed, not on the first upload.
                try
                {
                    await store.CheckAccessAsync(prefix, cancellationToken).ConfigureAwait(false);
                }
                catch (SyncFailedException ex)
                {
                    diagnostics.Add(ex.Diagnostic);
                    return planned with { Elapsed = stopwatch.Elapsed, UsedListing = false };
                }
            }
        }

        var executor = new PlanExecutor(store, request.Concurrency, log, request.Destination.Capabilities.Layout) { State = new(baseline.Entries, StringComparer.Ordinal) };
        var writer = new SyncStateWriter(store, request, snapshotStore, _clock);
        using var stopWatching = new CancellationTokenSource();
        var progress = Task.CompletedTask;
        var checkpoints = Task.FromResult<Diagnostic?>(null);
        if (plan.Changes.Any())
        {
            progress = new ProgressReporter(log).RunAsync(executor, plan, stopwatch, request.ProgressInterval, stopWatching.Token);
            checkpoints = writer.CheckpointAsync(executor, baseline.Deploys, stopWatching.Token);
        }

        try
        {
            await executor.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            if (await checkpoints.ConfigureAwait(false) is { } checkpointNotSaved)
            {
                diagnostics.Add(checkpointNotSaved);
            }

            // Runs on Ctrl+C too: what did happen is recorded, so the next run neither repeats nor misses it.
            await writer.FinishAsync(new ExecutionOutcome(executor, plan, baseline.Deploys, baseline.RemoteStateSha256,
                HadSnapshot: loaded.Snapshot is not null, loaded.Fingerprint, now, cancellationToken.IsCancellationRequested), diagnostics)
                .ConfigureAwait(false);
        }

        diagnostics.AddRange(executor.Warnings);
        diagnostics.AddRange(executor.Errors);
        return planned with
        {
            Completed = executor.Completed.ToArray(),
            BytesUploaded = executor.BytesUploaded,
            Elapsed = stopwatch.Elapsed,
        };
    }

    private static SyncResult Result(List<Diagnostic> diagnostics, Stopwatch stopwatch) =>
        new() { Plan = new SyncPlan([]), Diagnostics = diagnostics, Elapsed = stopwatch.Elapsed };

    /// <summary>Every action but the unchanged ones, as a dry run shows them: what would be sent, and why.</summary>
    private void LogPlan(SyncPlan plan)
    {
        log.Important($"StaticOffload: dry run, nothing is changed. Plan for {store.Destination}:");
        foreach (var action in plan.Actions.Where(a => a.Kind != SyncActionKind.Unchanged))
        {
            log.Important($"  {action.Phase,-15} {action}");
        }
    }

    private SyncResult Finish(SyncRequest request, SyncResult result)
    {
        result = result with { InvalidationPaths = Cdn.InvalidationPaths.From(result.Completed, request.Destination.Prefix, request.InvalidationMaxPaths) };
        foreach (var diagnostic in result.Diagnostics)
        {
            log.Report(diagnostic);
        }

        log.Important(SyncSummary.Line(store.Destination, result));
        SyncReport.Write(request, store.Destination, result, log);
        return result;
    }
}
