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
        if (request.CloudFront is { } cdn)
        {
            executor.BeforeDeletions = async token => executor.Invalidation = await InvalidateAsync(cdn,
                executor.Completed.Concat(plan.Actions.Where(a => a.Kind == SyncActionKind.Delete)), token).ConfigureAwait(false);
        }

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
            if (request.CloudFront is { } stopped && !executor.ReachedDeletions && !cancellationToken.IsCancellationRequested && executor.Completed.Count > 0)
            {
                // Stopped before the deletions (an error, a lost lease): what did change is still invalidated.
                try
                {
                    executor.Invalidation = await InvalidateAsync(stopped, executor.Completed, CancellationToken.None).ConfigureAwait(false);
                }
                catch (SyncFailedException ex)
                {
                    diagnostics.Add(ex.Diagnostic);
                }
            }

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

    /// <summary>
    /// One CloudFront invalidation of the paths the changes make stale, once the new entry files are live and before
    /// the old keys are deleted: from then on a page a visitor gets names only what is there. None when no cached
    /// path changed (new keys, fingerprinted assets).
    /// </summary>
    private async Task<Cdn.Invalidation?> InvalidateAsync(Cdn.CloudFrontSettings cdn, IEnumerable<SyncAction> changes, CancellationToken cancellationToken)
    {
        var paths = Cdn.InvalidationPaths.From(changes, request.Destination.Prefix, request.InvalidationMaxPaths);
        if (paths.Count == 0)
        {
            log.Detail($"StaticOffload: no CloudFront invalidation: no path a CDN may have cached changed.");
            return null;
        }

        using var invalidator = new Cdn.CloudFrontInvalidator(Storage.S3.S3ClientFactory.Credentials(request.Destination), cdn, log);
        return await invalidator.InvalidateAsync(paths, cdn.Wait, cancellationToken).ConfigureAwait(false);
    }
}
