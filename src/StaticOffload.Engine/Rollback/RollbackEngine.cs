using System.Diagnostics;
using StaticOffload.Baseline;
using StaticOffload.Coordination;
using StaticOffload.Diagnostics;
using StaticOffload.History;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Safety;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.Rollback;

/// <summary>
/// Returns the bucket to a recorded deploy from the bucket alone, with no build: under the deploy lease, it reads the
/// history and that deploy's manifest, plans (<see cref="RollbackPlanner"/>), executes with the sync's executor
/// (server-side copies, then deletes), and records the result as a deploy of its own, so a rollback can be rolled
/// back. The local snapshot is rewritten to what the bucket now holds, so the next publish re-deploys the build.
/// </summary>
public sealed class RollbackEngine(IObjectStore store, ISyncLog log, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <param name="request">The sync's settings; its files are not used.</param>
    /// <param name="to">A recorded deploy's id; null for the deploy before the live one.</param>
    public async Task<SyncResult> RunAsync(SyncRequest request, string? to, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var diagnostics = new List<Diagnostic>();
        var result = new SyncResult { Diagnostics = diagnostics };
        try
        {
            using var snapshotLock = await Snapshot.SnapshotLock.AcquireAsync(request.SnapshotPath, request.LockTimeout, cancellationToken).ConfigureAwait(false);
            DeployLease? lease = null;
            if (!request.DryRun)
            {
                lease = await DeployLease.AcquireAsync(store, CoordinationKeys.Lease(request.EffectiveStateKey), request.EffectiveIdentity,
                    "rollback", new LeaseTiming(request.LeaseDuration, request.LockTimeout), probe: request.Destination.ServiceUrl is not null,
                    request.RequireCoordination, _clock, log, diagnostics, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                result = await RunLeasedAsync(request, to, lease, diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (lease is not null)
                {
                    await lease.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(ex.Diagnostic);
        }

        result = result with
        {
            Diagnostics = diagnostics,
            Elapsed = stopwatch.Elapsed,
            InvalidationPaths = Cdn.InvalidationPaths.From(result.Completed, request.Destination.Prefix, request.InvalidationMaxPaths),
        };
        foreach (var diagnostic in diagnostics)
        {
            log.Report(diagnostic);
        }

        log.Important(SyncSummary.Line(store.Destination, result));
        SyncReport.Write(request, store.Destination, result, log);
        return result;
    }

    private async Task<SyncResult> RunLeasedAsync(SyncRequest request, string? to, DeployLease? lease, List<Diagnostic> diagnostics,
        Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var destination = store.Destination;
        var prefix = request.Destination.Prefix;
        var recorder = new HistoryRecorder(store, request, log);
        var (history, _, problem) = await recorder.ReadAsync(cancellationToken).ConfigureAwait(false);
        var target = Target(history, problem, to, destination);
        var (manifest, manifestProblem) = await recorder.ReadManifestAsync(target, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            throw new SyncFailedException(Messages.RollbackTargetUnknown(destination, $"deploy {target.Id} cannot be restored: {manifestProblem}"));
        }

        // What the bucket holds now: its state where the listing confirms it, else what the listing says.
        var (state, stateSha, writtenAt, stateETag) = await new BaselineLoader(store, log).ReadRemoteStateAsync(request, diagnostics, cancellationToken)
            .ConfigureAwait(false);
        var guard = new BaselineGuard(prefix);
        var listing = guard.Listing(await RemoteBaseline.ListAsync(store, prefix, cancellationToken).ConfigureAwait(false));
        var current = (await RemoteBaseline.BuildAsync(store, listing, [], state, writtenAt, request.Concurrency, cancellationToken)
            .ConfigureAwait(false)).Entries;
        var recorded = new HashSet<string>(state?.Entries.Keys ?? Enumerable.Empty<string>(), StringComparer.Ordinal);
        var targetEntries = guard.Entries(manifest.Entries, $"the manifest of deploy {target.Id}");
        var needsVersions = targetEntries.Any(e => e.Value.VersionId is null
                                                   && !(current.TryGetValue(e.Key, out var live) && Hashing.S3ETag.Normalize(live.ETag) == Hashing.S3ETag.Normalize(e.Value.ETag)));
        IReadOnlyList<ObjectVersion> versions = [];
        if (needsVersions)
        {
            versions = await ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false);
        }

        var (plan, missing) = RollbackPlanner.Plan(targetEntries, current, recorded, versions, prefix);
        if (guard.Warning() is { } leftAlone)
        {
            diagnostics.Add(leftAlone);
        }

        var planned = new SyncResult { Plan = plan, UsedListing = true, Diagnostics = diagnostics };
        if (missing.Count > 0)
        {
            diagnostics.Add(Messages.RollbackNeedsVersioning(destination, target.Id, missing.Count,
                string.Join(", ", missing.Take(3).Select(k => $"'{ObjectKeys.Printable(k)}'")) + (missing.Count > 3 ? ", …" : ""),
                request.Destination.Bucket));
            return planned;
        }

        var checks = SafetyChecks.Plan(new SafetyInput(plan, destination, prefix, targetEntries.Count, request.AllowRootDelete, request.MaxDeletes));
        diagnostics.AddRange(checks);
        if (checks.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return planned;
        }

        var about = $"deploy {target.Id} of {target.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z by {target.By.Describe()}{(target.Revision is null ? "" : $", revision {target.Revision}")}";
        if (request.DryRun)
        {
            new ChangeLines(request.Destination.Bucket, prefix)
                .LogPlan(log, plan, $"StaticOffload: dry run, nothing is changed. Plan to roll {destination} back to {about}:");

            return planned with { DryRun = true };
        }

        log.Important($"StaticOffload: {destination}: rolling back to {about}: {Format.Count(plan.Count(SyncActionKind.Copy))} to restore, {Format.Count(plan.Count(SyncActionKind.Delete))} to delete…");
        // The local snapshot and its stamp describe the bucket before the rollback: from here on, they may not vouch.
        State.SyncStamp.Delete(request.SnapshotPath);
        lease?.KeepAlive();
        var deploys = state?.Deploys ?? 0;
        var executor = await new PlanRun(store, request, log, _clock).RunAsync(plan, current, deploys, lease,
            (executor, cancelled) => new State.ExecutionOutcome(executor, plan, deploys, stateSha, HadSnapshot: false, Fingerprint: null, _clock.GetUtcNow(), cancelled)
            {
                StateCondition = lease is { Coordinated: false } ? WriteCondition.None : WriteCondition.Replacing(stateETag),
                Kind = DeployRecord.RollbackKind,
                RestoredId = target.Id,
            },
            diagnostics, stopwatch, cancellationToken).ConfigureAwait(false);
        return planned with { Completed = executor.Completed.ToArray(), Invalidation = executor.Invalidation };
    }

    /// <summary>The deploy named, or the one before the live one.</summary>
    private static DeployRecord Target(HistoryDocument? history, string? problem, string? to, string destination)
    {
        if (history is null || history.Deploys.Count == 0)
        {
            throw new SyncFailedException(Messages.RollbackTargetUnknown(destination,
                problem is null ? "no deploy has been recorded in its history yet (StaticOffloadHistoryDepth=0 records none)" : $"its deploy history is not usable ({problem})"));
        }

        if (to is null)
        {
            return history.Deploys.Count >= 2
                ? history.Deploys[1]
                : throw new SyncFailedException(Messages.RollbackTargetUnknown(destination, $"its history holds only the live deploy ({history.Deploys[0].Id})"));
        }

        return history.Deploys.FirstOrDefault(d => d.Id == to)
               ?? throw new SyncFailedException(Messages.RollbackTargetUnknown(destination,
                   DeployRecord.IsValidId(to) ? $"no recorded deploy has the id '{to}'" : $"'{ObjectKeys.Printable(to)}' is not a deploy id (they look like 20261129-063102-3f2a)"));
    }

    /// <summary>The bucket's versions; none where it keeps none or the store cannot list them.</summary>
    private async Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailedException ex)
        {
            log.Detail($"StaticOffload: the bucket's versions could not be listed ({ex.Diagnostic.Message}); only objects still live as recorded can be restored.");
            return [];
        }
    }
}
