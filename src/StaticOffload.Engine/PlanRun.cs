using System.Diagnostics;
using StaticOffload.Coordination;
using StaticOffload.Diagnostics;
using StaticOffload.Execution;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.State;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload;

/// <summary>
/// The stage a deploy and a rollback share: execute the plan (<see cref="PlanExecutor"/>) with progress and
/// checkpoints, stop changing the bucket if the deploy lease is taken over, and record what was done
/// (<see cref="SyncStateWriter"/>), however the execution ends.
/// </summary>
public sealed class PlanRun(IObjectStore store, SyncRequest request, ISyncLog log, TimeProvider clock)
{
    /// <param name="bucket">What the bucket holds before the plan runs.</param>
    /// <param name="outcome">How the run ended, as the state writer needs it, from the executor once it stopped.</param>
    /// <returns>The executor: what completed, what failed.</returns>
    public async Task<PlanExecutor> RunAsync(SyncPlan plan, IReadOnlyDictionary<string, SnapshotEntry> bucket, int deploys, DeployLease? lease,
        Func<PlanExecutor, bool, ExecutionOutcome> outcome, List<Diagnostic> diagnostics, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var executor = new PlanExecutor(store, request.Concurrency, log, request.Destination.Capabilities.Layout,
            new Reporting.ChangeLines(request.Destination.Bucket, request.Destination.Prefix))
        {
            State = new Dictionary<string, SnapshotEntry>(bucket, StringComparer.Ordinal),
        };
        var writer = new SyncStateWriter(store, request, new SnapshotStore(request.SnapshotPath), clock, log);
        using var stopWatching = new CancellationTokenSource();
        using var stopExecuting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease?.Lost ?? CancellationToken.None);
        var progress = Task.CompletedTask;
        var checkpoints = Task.FromResult<Diagnostic?>(null);
        if (plan.Changes.Any())
        {
            progress = new ProgressReporter(log).RunAsync(executor, plan, stopwatch, request.ProgressInterval, stopWatching.Token);
            checkpoints = writer.CheckpointAsync(executor, deploys, stopWatching.Token);
        }

        try
        {
            await executor.ExecuteAsync(plan, stopExecuting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease?.LostTo is not null && !cancellationToken.IsCancellationRequested)
        {
            // Taken over: stop changing the bucket (no deletes); what was done is recorded below.
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            if (await checkpoints.ConfigureAwait(false) is { } checkpointNotSaved)
            {
                diagnostics.Add(checkpointNotSaved);
            }

            if (lease?.LostTo is { } holder)
            {
                diagnostics.Add(Messages.DeployLeaseLost(Keys.ObjectKeys.Printable(CoordinationKeys.Lease(request.EffectiveStateKey)), holder));
            }

            // Runs on Ctrl+C too: what did happen is recorded, so the next run neither repeats nor misses it.
            await writer.FinishAsync(outcome(executor, cancellationToken.IsCancellationRequested), diagnostics).ConfigureAwait(false);
        }

        diagnostics.AddRange(executor.Warnings);
        diagnostics.AddRange(executor.Errors);
        return executor;
    }
}
