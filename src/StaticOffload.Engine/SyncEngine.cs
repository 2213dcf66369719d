using System.Diagnostics;
using StaticOffload.Baseline;
using StaticOffload.Coordination;
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
/// <item>when the plan changes anything, take the prefix's deploy lease (<see cref="DeployLease"/>) and check that the
/// bucket's state is still the one planned from, else plan again from the bucket;</item>
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
        var loader = new BaselineLoader(store, log);
        var fromRequest = diagnostics.Count;
        var step = await LoadAndPlanAsync(request, loader, snapshotStore, diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
        var fromPlanning = diagnostics.GetRange(fromRequest, diagnostics.Count - fromRequest);
        if (step.Stop is { } stopped)
        {
            return stopped;
        }

        if (!step.Plan!.Changes.Any())
        {
            // Nothing to send: no lease, and the state (if it needs writing at all) only on its own condition.
            return await ExecuteAsync(request, step, lease: null, step.Baseline!.RemoteStateETag, diagnostics, stopwatch, cancellationToken)
                .ConfigureAwait(false);
        }

        log.Important(RunNarration.Starting(store.Destination, step.Plan));
        DeployLease lease;
        try
        {
            // The lease is the first request of a deploy that changes something: it also proves that the endpoint
            // answers and takes the credentials, before anything is changed.
            lease = await DeployLease.AcquireAsync(store, CoordinationKeys.Lease(request.EffectiveStateKey), request.EffectiveIdentity,
                "deploy", new LeaseTiming(request.LeaseDuration, request.LockTimeout), probe: request.Destination.ServiceUrl is not null,
                request.RequireCoordination, _clock, log, diagnostics, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(ex.Diagnostic);
            return step.Planned!.Invoke(stopwatch);
        }

        await using (lease.ConfigureAwait(false))
        {
            if (!step.Baseline!.Listed && request.Destination.StateBucket is not null)
            {
                // The lease proved the state bucket; one cheap read proves the site's bucket before anything changes.
                try
                {
                    await store.CheckAccessAsync(request.Destination.Prefix, cancellationToken).ConfigureAwait(false);
                }
                catch (SyncFailedException ex)
                {
                    diagnostics.Add(ex.Diagnostic);
                    return step.Planned!.Invoke(stopwatch) with { UsedListing = false };
                }
            }

            var stateETag = step.Baseline.RemoteStateETag;
            if (lease.Coordinated && request.RemoteState)
            {
                // Another deploy may have changed the bucket since this run's baseline (its snapshot is older than the
                // bucket, or another agent deployed between our listing and our lease): plan again from the bucket.
                bool current;
                try
                {
                    (current, stateETag) = await loader.IsCurrentAsync(request, step.Baseline, cancellationToken).ConfigureAwait(false);
                }
                catch (SyncFailedException ex)
                {
                    diagnostics.Add(ex.Diagnostic);
                    return step.Planned!.Invoke(stopwatch);
                }

                if (!current)
                {
                    log.Important($"StaticOffload: {store.Destination}: the bucket's sync state changed since this run's baseline (another deploy); reading the bucket again and planning anew.");
                    request = request with { Verify = true };
                    // What the first baseline warned about is found again, or no longer true.
                    diagnostics.RemoveAll(fromPlanning.Contains);
                    step = await LoadAndPlanAsync(request, loader, snapshotStore, diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
                    if (step.Stop is { } replanStopped)
                    {
                        return replanStopped;
                    }

                    stateETag = step.Baseline!.RemoteStateETag;
                }
            }

            lease.KeepAlive();
            return await ExecuteAsync(request, step, lease, stateETag, diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// On what the bucket's state may be replaced: the ETag this run read (or its absence), so another writer's state is
    /// never overwritten blindly. Unconditional only where the lease found the store cannot coordinate. A run without
    /// a lease that never learnt the state's ETag (a snapshot from an older version) leaves the state alone (null).
    /// </summary>
    private static WriteCondition? StateCondition(DeployLease? lease, BucketBaseline baseline, string? stateETag) => lease switch
    {
        { Coordinated: false } => WriteCondition.None,
        not null => WriteCondition.Replacing(stateETag),
        null when stateETag is not null => WriteCondition.Matching(stateETag),
        null when baseline.Listed => WriteCondition.Absent,
        null => null,
    };

    /// <summary>A planned run, or the result of one that stops before it changes anything.</summary>
    private sealed record PlanStep(SyncResult? Stop, LoadedBaseline? Loaded = null, BucketBaseline? Baseline = null, SyncPlan? Plan = null,
        Func<Stopwatch, SyncResult>? Planned = null);

    /// <summary>Stages 2 to 4: the baseline, the guards, the plan (a dry run ends here).</summary>
    private async Task<PlanStep> LoadAndPlanAsync(SyncRequest request, BaselineLoader loader, SnapshotStore snapshotStore,
        List<Diagnostic> diagnostics, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync(request, snapshotStore, diagnostics, cancellationToken).ConfigureAwait(false);
        if (loaded.NoChange)
        {
            // The plan first, then the time: the run's time includes building what it reports.
            var unchanged = SyncPlanner.AllUnchanged(loaded.Local);
            return new PlanStep(Result(diagnostics, stopwatch) with { Plan = unchanged });
        }

        if (loaded.Bucket is not { } baseline)
        {
            return new PlanStep(Result(diagnostics, stopwatch) with { UsedListing = loaded.Listed });
        }

        var local = loaded.Local;
        var previousLive = baseline.Entries.Values.Count(e => e.RemovedAt is null);
        if (SafetyChecks.Shrink(store.Destination, local.Count, previousLive, request.DeleteRemoved, request.AllowShrink) is { } shrank)
        {
            diagnostics.Add(shrank);
            return new PlanStep(Result(diagnostics, stopwatch) with { UsedListing = baseline.Listed });
        }

        var now = _clock.GetUtcNow();
        var prefix = request.Destination.Prefix;
        var policy = new DeletePolicy(request.DeleteRemoved, request.DeleteAfterDeploys, request.DeleteAfterAge, baseline.Deploys + 1, now, prefix);
        var hashed = await CopyCandidates.HashAsync(local, baseline.Entries, request.Destination.Capabilities, request.Force, cancellationToken).ConfigureAwait(false);
        var plan = SyncPlanner.Plan(hashed, baseline.Entries, policy, request.Destination.Capabilities, request.Force);
        SyncResult Planned(Stopwatch elapsed) => Result(diagnostics, elapsed) with { Plan = plan, UsedListing = baseline.Listed };
        var checks = SafetyChecks.Plan(new SafetyInput(plan, store.Destination, prefix, local.Count, request.AllowRootDelete, request.MaxDeletes));
        diagnostics.AddRange(checks);
        if (checks.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            if (checks.Any(d => d.Code == Messages.TooManyDeletesCode))
            {
                // What would have been deleted is what the user needs to see to decide.
                LogPlan(request, plan);
            }

            return new PlanStep(Planned(stopwatch));
        }

        if (request.DryRun)
        {
            LogPlan(request, plan);
            if (request.CloudFront is { } cdn)
            {
                var paths = Cdn.InvalidationPaths.From(plan.Changes, prefix, request.InvalidationMaxPaths);
                log.Important(paths.Count == 0
                    ? $"StaticOffload: dry run: no CloudFront invalidation (no path a CDN may have cached changes)."
                    : $"StaticOffload: dry run: would invalidate on CloudFront distribution {cdn.DistributionId}: {string.Join(" ", paths)}");
            }

            return new PlanStep(Planned(stopwatch) with { DryRun = true });
        }

        return new PlanStep(null, loaded, baseline, plan, Planned);
    }

    /// <summary>Stages 5 and 6: execute the plan and record what was done (also when it stopped half-way).</summary>
    private async Task<SyncResult> ExecuteAsync(SyncRequest request, PlanStep step, DeployLease? lease, string? stateETag,
        List<Diagnostic> diagnostics, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var (plan, baseline, loaded) = (step.Plan!, step.Baseline!, step.Loaded!);
        var executor = await new PlanRun(store, request, log, _clock).RunAsync(plan, baseline.Entries, baseline.Deploys, lease,
            (executor, cancelled) => new ExecutionOutcome(executor, plan, baseline.Deploys, baseline.RemoteStateSha256,
                HadSnapshot: loaded.Snapshot is not null, loaded.Fingerprint, _clock.GetUtcNow(), cancelled)
            {
                StateCondition = StateCondition(lease, baseline, stateETag),
                RemoteStateRead = baseline.RemoteStateRead,
            },
            diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
        return step.Planned!(stopwatch) with
        {
            Completed = executor.Completed.ToArray(),
            BytesUploaded = executor.BytesUploaded,
            Invalidation = executor.Invalidation,
        };
    }

    private static SyncResult Result(List<Diagnostic> diagnostics, Stopwatch stopwatch) =>
        new() { Plan = new SyncPlan([]), Diagnostics = diagnostics, Elapsed = stopwatch.Elapsed };

    /// <summary>Every action but the unchanged ones, as a dry run shows them: what would be sent, and why.</summary>
    private void LogPlan(SyncRequest request, SyncPlan plan)
    {
        new ChangeLines(request.Destination.Bucket, request.Destination.Prefix)
            .LogPlan(log, plan, $"StaticOffload: dry run, nothing is changed. Plan for {store.Destination}:");
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
