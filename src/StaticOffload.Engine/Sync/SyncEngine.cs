using System.Diagnostics;
using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Sync;

/// <summary>
/// One sync: validate, take the local inventory, learn what the bucket holds (local snapshot, else the bucket's
/// state object checked against a listing), plan, execute in phases, save the new state locally and in the bucket.
/// Every step that decides something is its own unit-tested type.
/// </summary>
public sealed class SyncEngine(IObjectStore store, ISyncLog log, TimeProvider? clock = null)
{
    /// <summary>Below this many files a shrinking output is not suspicious: small sites change shape freely.</summary>
    public const int ShrinkCheckMinimumFiles = 10;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<SyncResult> RunAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        request = RequestNormalizer.NormalizeKeys(request);
        var diagnostics = new List<Diagnostic>(RequestValidator.Validate(request));
        SyncResult Fail(SyncPlan? plan = null, bool listed = false) => Finish(request, new SyncResult
        {
            Plan = plan ?? new SyncPlan([]), Diagnostics = diagnostics, Elapsed = stopwatch.Elapsed, UsedListing = listed,
        });

        if (diagnostics.Count > 0)
        {
            return Fail();
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
            return Fail();
        }

        using (snapshotLock)
        {
            return await RunLockedAsync(request, diagnostics, stopwatch, Fail, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SyncResult> RunLockedAsync(SyncRequest request, List<Diagnostic> diagnostics, Stopwatch stopwatch,
        Func<SyncPlan?, bool, SyncResult> fail, CancellationToken cancellationToken)
    {
        SyncResult Fail(SyncPlan? plan = null, bool listed = false) => fail(plan, listed);
        var prefix = request.Destination.Prefix;
        var (stated, statErrors) = LocalInventory.Stat(request.Files, prefix);
        if (statErrors.Count > 0)
        {
            diagnostics.AddRange(statErrors);
            return Fail();
        }

        var stampable = !request.Verify && !request.DryRun;
        var fingerprint = stampable ? SyncStamp.Compute(request, store.Destination, stated) : null;
        if (fingerprint is not null && SyncStamp.Matches(request.SnapshotPath, fingerprint))
        {
            log.Detail("StaticOffload: the same files, sizes, times and headers as at the end of the last sync; the snapshot was not read.");
            var unchanged = SyncPlanner.AllUnchanged(stated);
            return Finish(request, new SyncResult { Plan = unchanged, Diagnostics = diagnostics, Elapsed = stopwatch.Elapsed });
        }

        // From here on the snapshot may change; a stamp must not outlive the snapshot it vouched for.
        SyncStamp.Delete(request.SnapshotPath);
        var snapshotStore = new SnapshotStore(request.SnapshotPath);
        var snapshot = snapshotStore.Load(store.Destination, out var snapshotWarning);
        if (snapshotWarning is not null)
        {
            diagnostics.Add(snapshotWarning);
        }

        var guard = new BaselineGuard(prefix);
        if (snapshot is not null)
        {
            snapshot = snapshot with { Entries = guard.Entries(snapshot.Entries, $"the local snapshot '{request.SnapshotPath}'") };
        }

        var scan = LocalInventory.Scan(stated, snapshot?.Entries);
        if (scan.Errors.Count > 0)
        {
            diagnostics.AddRange(scan.Errors);
            return Fail();
        }

        var fromSnapshot = snapshot is not null && !request.Verify;
        BucketListing? bucket = null;
        if (!fromSnapshot)
        {
            log.Important(RunNarration.Reading(store.Destination, snapshot is not null));
            try
            {
                bucket = await ListBucketAsync(request, guard, diagnostics, cancellationToken).ConfigureAwait(false);
                log.Important(RunNarration.Found(store.Destination, bucket.Objects.Count, bucket.State is not null));
            }
            catch (SyncFailedException ex)
            {
                diagnostics.Add(ex.Diagnostic);
                return Fail(listed: true);
            }
        }

        // Only a key the bucket may already hold needs its digest before the plan: it decides between upload and
        // nothing. Any other file is uploaded regardless, and hashed from the bytes read for its upload.
        var known = fromSnapshot ? snapshot!.Entries.Keys.ToHashSet(StringComparer.Ordinal) : bucket!.Keys;
        var (local, readErrors, hashed) = await LocalInventory.CompleteAsync(scan, known.Contains, cancellationToken)
            .ConfigureAwait(false);
        if (readErrors.Count > 0)
        {
            diagnostics.AddRange(readErrors);
            return Fail(listed: !fromSnapshot);
        }

        log.Detail($"StaticOffload: {local.Count} files, {hashed} hashed, {local.Count - scan.Stale.Count} unchanged on disk since the last sync, {scan.Stale.Count - hashed} new to the bucket (hashed as they upload).");

        Baseline baseline;
        try
        {
            baseline = fromSnapshot
                ? new Baseline(snapshot!.Entries, snapshot.Deploys, snapshot.RemoteStateSha256, Listed: false)
                : await CompareWithBucketAsync(request, bucket!, local, cancellationToken).ConfigureAwait(false);
            if (snapshot is not null && request.Verify)
            {
                // The bucket decides what is there; the local snapshot still knows how many deploys happened.
                baseline = baseline with { Deploys = Math.Max(baseline.Deploys, snapshot.Deploys) };
            }
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(ex.Diagnostic);
            return Fail(listed: !fromSnapshot);
        }

        if (guard.Warning() is { } leftAlone)
        {
            diagnostics.Add(leftAlone);
        }

        var previousLive = baseline.Entries.Values.Count(e => e.RemovedAt is null);
        if (request.DeleteRemoved && !request.AllowShrink && previousLive >= ShrinkCheckMinimumFiles && local.Count * 2 < previousLive)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.OutputShrank,
                $"The publish output has {local.Count} files to sync, under half of the {previousLive} in {store.Destination} after the last deploy. Nothing was changed. If that is intended, set StaticOffloadAllowShrink=true for this run; otherwise check StaticOffloadSourceFolder and the publish."));
            return Fail(listed: baseline.Listed);
        }

        var now = _clock.GetUtcNow();
        var policy = new DeletePolicy(request.DeleteRemoved, request.DeleteAfterDeploys, request.DeleteAfterAge,
            baseline.Deploys + 1, now, prefix);
        var plan = SyncPlanner.Plan(local, baseline.Entries, policy, request.Destination.Capabilities);
        var deletes = plan.Count(SyncActionKind.Delete);
        if (local.Count == 0 && deletes > 0)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.SourceFolderMissing,
                $"There is no file to sync (is StaticOffloadSourceFolder right, and did publish run?), and the sync would delete all {deletes} objects of {store.Destination}. Nothing was changed."));
            return Fail(plan, baseline.Listed);
        }

        if (local.Count == 0 && plan.Actions.Count == 0)
        {
            diagnostics.Add(Diagnostic.Warning(DiagnosticCodes.NothingToSync,
                $"There is no file to sync, and {store.Destination} holds nothing of this site either. Check StaticOffloadSourceFolder (the folder of the publish output that is synced) and that publish ran."));
        }

        var unknownAtRoot = prefix.Length == 0
            ? plan.Actions.Count(a => a.Kind == SyncActionKind.Delete && a.Previous is { Md5: null, Headers: null })
            : 0;
        if (unknownAtRoot > 0 && !request.AllowRootDelete)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.RootDeleteNotAllowed,
                $"StaticOffloadPrefix is empty and the sync would delete {unknownAtRoot} objects at the root of the bucket that it has never uploaded. Nothing was changed. Sync into a prefix, set StaticOffloadDelete=false, or confirm with StaticOffloadAllowRootDelete=true that the whole bucket is this site's."));
            return Fail(plan, baseline.Listed);
        }

        if (deletes > request.MaxDeletes)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TooManyDeletes,
                $"The sync would delete {deletes} objects from {store.Destination}, more than StaticOffloadMaxDeletes ({request.MaxDeletes}). Nothing was changed. If the publish output really shrank, raise StaticOffloadMaxDeletes for this run (-p:StaticOffloadMaxDeletes={deletes}); if the wrong folder is synced, fix StaticOffloadSourceFolder."));
            LogPlan(plan, dryRun: true);
            return Fail(plan, baseline.Listed);
        }

        if (request.DryRun)
        {
            LogPlan(plan, dryRun: true);
            return Finish(request, new SyncResult
            {
                Plan = plan, Diagnostics = diagnostics, Elapsed = stopwatch.Elapsed, UsedListing = baseline.Listed, DryRun = true,
            });
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
                    return Fail(plan, false);
                }
            }
        }

        var executor = new PlanExecutor(store, request.Concurrency, log) { State = new(baseline.Entries, StringComparer.Ordinal) };
        var remoteStateSha = baseline.RemoteStateSha256;
        var deploys = baseline.Deploys;
        using var stopReporting = new CancellationTokenSource();
        var reporting = new ProgressReporter(store.Destination, log, _clock).RunAsync(executor, plan, snapshotStore, baseline.Deploys, stopwatch,
            request.ProgressInterval, stopReporting.Token);
        try
        {
            await executor.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopReporting.CancelAsync().ConfigureAwait(false);
            if (await reporting.ConfigureAwait(false) is { } checkpointNotSaved)
            {
                diagnostics.Add(checkpointNotSaved);
            }

            // Runs on Ctrl+C too: what did happen is recorded, so the next run neither repeats nor misses it.
            var deployed = executor.Completed.Count > 0 || plan.Actions.Any(a => a.Kind == SyncActionKind.Retain && a.Previous?.RemovedAt is null);
            deploys += deployed ? 1 : 0;
            var refreshed = RecordUnchangedAndRetained(executor.State, plan, now, deploys);
            var state = new SyncSnapshot
            {
                Destination = store.Destination,
                UpdatedAt = now,
                Deploys = deploys,
                Entries = executor.State,
            };
            // Unchanged since it was last written (baseline from the snapshot, nothing done, nothing refreshed): the
            // bucket's copy is current, and serializing 10,000 entries to learn that was most of a no-op's time.
            var stateUnchanged = !deployed && !refreshed && snapshot is not null && !request.Verify
                                 && baseline.RemoteStateSha256 is not null;
            if (request.RemoteState && !stateUnchanged && !cancellationToken.IsCancellationRequested)
            {
                remoteStateSha = await WriteRemoteStateAsync(state, request.EffectiveStateKey, request.Destination.Location, remoteStateSha,
                    diagnostics).ConfigureAwait(false);
            }

            // A run that changed nothing, not even a file time, leaves the snapshot as it is: with 100,000 files,
            // rewriting it would be most of a no-change publish.
            if (deployed || refreshed || snapshot is null || request.Verify || remoteStateSha != baseline.RemoteStateSha256)
            {
                SyncStateWriter.SaveSnapshot(snapshotStore, state with { RemoteStateSha256 = remoteStateSha }, diagnostics);
            }

            // Clean end, nothing left for later: the next run with the same inputs can skip all of this.
            var clean = fingerprint is not null && !cancellationToken.IsCancellationRequested && executor.Errors.Count == 0
                        && diagnostics.All(d => d.Severity != DiagnosticSeverity.Error)
                        && (!request.RemoteState || remoteStateSha is not null)
                        && state.Entries.Values.All(e => e.RemovedAt is null)
                        && executor.Completed.Count == plan.Changes.Count();
            if (clean)
            {
                SyncStamp.Write(request.SnapshotPath, fingerprint!);
            }
        }

        diagnostics.AddRange(executor.Warnings);
        diagnostics.AddRange(executor.Errors);
        return Finish(request, new SyncResult
        {
            Plan = plan,
            Completed = executor.Completed.ToArray(),
            Diagnostics = diagnostics,
            BytesUploaded = executor.BytesUploaded,
            Elapsed = stopwatch.Elapsed,
            UsedListing = baseline.Listed,
        });
    }

    private sealed record Baseline(Dictionary<string, SnapshotEntry> Entries, int Deploys, string? RemoteStateSha256, bool Listed);

    /// <summary>What the bucket says it holds: its listing and the state document a previous sync left there.</summary>
    private sealed record BucketListing(IReadOnlyList<RemoteObject> Objects, SyncSnapshot? State, string? StateSha256,
        DateTimeOffset? StateWrittenAt)
    {
        public HashSet<string> Keys { get; } = Objects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<BucketListing> ListBucketAsync(SyncRequest request, BaselineGuard guard, List<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        var prefix = request.Destination.Prefix;
        SyncSnapshot? state = null;
        string? stateSha = null;
        DateTimeOffset? writtenAt = null;
        if (request.RemoteState)
        {
            (state, stateSha, writtenAt) = await ReadRemoteStateAsync(request, diagnostics, cancellationToken).ConfigureAwait(false);
        }

        var objects = await RemoteBaseline.ListAsync(store, prefix, cancellationToken).ConfigureAwait(false);
        return new BucketListing(guard.Listing(objects), state, stateSha, writtenAt);
    }

    /// <summary>
    /// The state object, read as the untrusted input it is: bounded in size, checked entry by entry. One that fails
    /// is ignored with a warning; the listing (and a HEAD per matching object) then tells what is there, and the end
    /// of the sync writes a good state over it.
    /// </summary>
    private async Task<(SyncSnapshot? State, string? Sha256, DateTimeOffset? WrittenAt)> ReadRemoteStateAsync(SyncRequest request,
        List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var key = request.EffectiveStateKey;
        var document = await store.ReadDocumentAsync(key, RemoteState.MaxCompressedBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, null, null);
        }

        string? problem;
        SyncSnapshot? state = null;
        if (document.TooLarge is { } size)
        {
            problem = $"it is {Format.Bytes(size)}, over the {Format.Bytes(RemoteState.MaxCompressedBytes)} a state may have";
        }
        else
        {
            state = RemoteState.Read(document.Body, request.Destination.Prefix, out problem, request.Destination.Location);
        }

        if (state is null)
        {
            diagnostics.Add(Diagnostic.Warning(DiagnosticCodes.RemoteStateIgnored,
                $"The sync state object '{ObjectKeys.Printable(key)}' is not used: {problem}. The sync reconciles from the bucket listing instead (a HEAD per object whose content matches) and writes a new state at the end. If another tool or person wrote that object, keep it away from this key."));
            return (null, null, null);
        }

        return (state, RemoteState.Hash(document.Body), document.LastModified);
    }

    private async Task<Baseline> CompareWithBucketAsync(SyncRequest request, BucketListing bucket, IReadOnlyList<LocalFile> local,
        CancellationToken cancellationToken)
    {
        var result = await RemoteBaseline.BuildAsync(store, bucket.Objects, local, bucket.State, bucket.StateWrittenAt,
            request.Concurrency, cancellationToken).ConfigureAwait(false);
        log.Detail($"StaticOffload: no local snapshot; {result.Listed} objects listed, {result.TrustedFromState} confirmed by the bucket's sync state, {result.Headed} read with HEAD.");
        return new Baseline(result.Entries, bucket.State?.Deploys ?? 0, bucket.StateSha256, Listed: true);
    }

    /// <summary>Writes the bucket's copy of the state when it differs from the one there; returns its hash.</summary>
    private async Task<string?> WriteRemoteStateAsync(SyncSnapshot state, string key, string location, string? current, List<Diagnostic> diagnostics)
    {
        var body = RemoteState.Serialize(state with { Destination = location });
        var sha = RemoteState.Hash(body);
        if (sha == current)
        {
            return current;
        }

        try
        {
            // Not cancellable: a state that matches what was just done is worth the one extra request.
            await store.WriteDocumentAsync(key, body, "application/gzip", CancellationToken.None).ConfigureAwait(false);
            return sha;
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.RemoteStateFailed,
                $"The objects were synced, but the sync state could not be written to {ObjectKeys.Printable(key)}: {ex.Diagnostic.Message} A fresh clone will reconcile from a listing; run the sync again to write it."));
            return null;
        }
    }

    /// <summary>
    /// An unchanged file gets its current size, mtime and digests recorded, so the next run skips reading it again
    /// (after a fresh clone every mtime is new while the content is not). A key that reappeared leaves its grace
    /// period; a key that just left the publish output starts one.
    /// </summary>
    /// <returns>Whether any entry changed.</returns>
    private static bool RecordUnchangedAndRetained(Dictionary<string, SnapshotEntry> state, SyncPlan plan, DateTimeOffset now, int deploys)
    {
        var changed = false;
        foreach (var action in plan.Actions)
        {
            if (!state.TryGetValue(action.Key, out var entry))
            {
                continue;
            }

            if (action.Kind == SyncActionKind.Unchanged)
            {
                var file = action.Local!;
                var refreshed = entry with
                {
                    LastWriteTicks = file.LastWriteTicks,
                    Md5 = file.Digest!.Md5,
                    Sha256 = file.Digest.Sha256,
                    Headers = file.Headers,
                    RemovedAt = null,
                    RemovedAtDeploy = null,
                };
                if (refreshed != entry)
                {
                    state[action.Key] = refreshed;
                    changed = true;
                }
            }
            else if (action.Kind == SyncActionKind.Retain && entry.RemovedAt is null)
            {
                state[action.Key] = entry with { RemovedAt = now, RemovedAtDeploy = deploys };
                changed = true;
            }
        }

        return changed;
    }

    private void LogPlan(SyncPlan plan, bool dryRun)
    {
        log.Important($"StaticOffload: {(dryRun ? "dry run, nothing is changed. " : "")}Plan for {store.Destination}:");
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

        log.Important(SyncSummary.Format(store.Destination, result));
        SyncReport.Write(request, store.Destination, result, log);
        return result;
    }

}
