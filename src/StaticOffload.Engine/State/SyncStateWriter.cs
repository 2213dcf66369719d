using StaticOffload.Diagnostics;
using StaticOffload.Execution;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.State;

/// <summary>How an execution ended, as the state writer needs to know it.</summary>
/// <param name="PreviousDeploys">Deploys counted before this run.</param>
/// <param name="RemoteStateSha256">The bucket state's hash as this run found it; null when unknown.</param>
/// <param name="HadSnapshot">The baseline came with a local snapshot (so an unchanged one need not be rewritten).</param>
/// <param name="Fingerprint">The no-change stamp to write after a clean end; null when this run may not write one.</param>
public sealed record ExecutionOutcome(
    PlanExecutor Executor,
    SyncPlan Plan,
    int PreviousDeploys,
    string? RemoteStateSha256,
    bool HadSnapshot,
    string? Fingerprint,
    DateTimeOffset Now,
    bool Cancelled)
{
    /// <summary>The bucket's state object as this run read it, with the hash <see cref="RemoteStateSha256"/>; null when it read none.</summary>
    public SyncSnapshot? RemoteStateRead { get; init; }

    /// <summary>
    /// What the bucket's state object must still be for this run's state to replace it: the ETag read under the lease
    /// (or absent), so another writer's state is never overwritten blindly; none where the store cannot coordinate.
    /// </summary>
    /// <para>Null: this run may not write it (it never learnt the state's ETag and holds no lease).</para>
    public WriteCondition? StateCondition { get; init; } = WriteCondition.None;

    /// <summary>"deploy", or "rollback" with the deploy it restored: how the history records this run.</summary>
    public string Kind { get; init; } = History.DeployRecord.DeployKind;

    public string? RestoredId { get; init; }
}

/// <summary>
/// The one answer to "when is state written, and what does it record?". Four records, all owned here:
/// <list type="bullet">
/// <item><b>Checkpoints</b>: while the plan executes, every <see cref="SyncRequest.ProgressInterval"/>, the local
/// snapshot with every action that took effect so far (bucket state hash unknown), so a build killed outright loses
/// at most one interval of work. A checkpoint that cannot be saved is one SO2009; the final save decides.</item>
/// <item><b>The bucket's state object</b>: at the end, when anything it records changed (or it was never read), never
/// after Ctrl+C; not cancellable itself. A failure is SO1021: the objects are synced, a fresh clone lists instead.</item>
/// <item><b>The local snapshot</b>: at the end, when anything changed (even only a file time), written atomically. One
/// that cannot be replaced no longer describes the bucket, so it is removed with its stamp (SO1030) and the next run
/// reconciles from the bucket.</item>
/// <item><b>The no-change stamp</b>: removed by the baseline loader before anything can change; written here only
/// after a clean end with nothing pending (no error, no cancellation, no grace-period entry, the state written).</item>
/// </list>
/// Entries pair a content hash with an ETag only as the executor recorded them: proven by an upload or a checked copy.
/// </summary>
public sealed class SyncStateWriter(IObjectStore store, SyncRequest request, SnapshotStore snapshotStore, TimeProvider clock, ISyncLog log)
{
    /// <summary>Saves a checkpoint every interval until <paramref name="stop"/>; returns one SO2009 when any failed.</summary>
    public async Task<Diagnostic?> CheckpointAsync(PlanExecutor executor, int deploys, CancellationToken stop)
    {
        if (request.ProgressInterval <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = new PeriodicTimer(request.ProgressInterval);
        Diagnostic? notSaved = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    snapshotStore.Save(new SyncSnapshot
                    {
                        Destination = store.Destination,
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
                    notSaved ??= LocalWriteFailure.CheckpointWarning("A progress checkpoint of the sync snapshot",
                        snapshotStore.Path, ex, "The sync goes on; a build killed before the final save is recovered from the last snapshot that was saved.");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The execution ended; FinishAsync writes the final state.
        }

        return notSaved;
    }

    /// <summary>Writes what the run did: the bucket's state, the local snapshot and, after a clean end, the stamp.</summary>
    public async Task FinishAsync(ExecutionOutcome run, List<Diagnostic> diagnostics)
    {
        var executor = run.Executor;
        var deployed = executor.Completed.Count > 0 || run.Plan.Actions.Any(a => a.Kind == SyncActionKind.Retain && a.Previous?.RemovedAt is null);
        var deploys = run.PreviousDeploys + (deployed ? 1 : 0);
        var refreshed = RecordUnchangedAndRetained(executor.State, run.Plan, run.Now, deploys);
        var state = new SyncSnapshot
        {
            Destination = store.Destination,
            UpdatedAt = run.Now,
            Deploys = deploys,
            Entries = executor.State,
        };

        // Unchanged since it was last written (baseline from the snapshot, nothing done, nothing refreshed): the
        // bucket's copy is current, and serializing 10,000 entries to learn that was most of a no-op's time.
        var remoteStateSha = run.RemoteStateSha256;
        var remoteStateETag = run.StateCondition?.IfMatch;
        var stateUnchanged = !deployed && !refreshed && run.HadSnapshot && !request.Verify && run.RemoteStateSha256 is not null;
        // The history is read while the state is written (a read, and its write stays conditional on what it read):
        // a deploy's last requests were one after another, each waiting on the one before.
        var recorder = new History.HistoryRecorder(store, request, log);
        var history = executor.Completed.Count > 0 && !run.Cancelled ? recorder.Prefetch() : null;
        byte[]? stateBody = null;
        if (request.RemoteState && !stateUnchanged && !run.Cancelled && run.StateCondition is { } condition)
        {
            var written = await WriteRemoteStateAsync(state, remoteStateSha, run.RemoteStateRead, condition, deployed, diagnostics).ConfigureAwait(false);
            if (written.Conflict)
            {
                // Another writer's state is in the bucket: this run's snapshot no longer describes it. The next run
                // reads the bucket instead, and converges.
                SyncStamp.Delete(snapshotStore.Path);
                snapshotStore.TryDelete();
                await History.HistoryRecorder.ForgetAsync(history).ConfigureAwait(false);
                return;
            }

            (remoteStateSha, remoteStateETag, stateBody) = (written.Sha256, written.ETag ?? remoteStateETag, written.Body);
        }

        // The manifest and the history go out while the snapshot is saved.
        Task<Diagnostic?>? recording = null;
        if (history is not null && (!request.RemoteState || remoteStateSha is not null))
        {
            var by = request.EffectiveIdentity;
            var record = new History.DeployRecord(History.DeployRecord.NewId(run.Now), run.Now, run.Kind,
                by, by.Revision,
                executor.Completed.Count(a => a.Kind == SyncActionKind.Upload),
                executor.Completed.Count(a => a.Kind is SyncActionKind.UpdateMetadata or SyncActionKind.Copy),
                executor.Completed.Count(a => a.Kind == SyncActionKind.Delete),
                state.Entries.Count,
                Versioned: state.Entries.Count > 0 && state.Entries.Values.All(e => e.VersionId is not null),
                run.RestoredId);
            recording = recorder.RecordAsync(record, state, stateBody, history);
        }
        else
        {
            await History.HistoryRecorder.ForgetAsync(history).ConfigureAwait(false);
        }

        // A run that changed nothing, not even a file time, leaves the snapshot as it is: with 100,000 files,
        // rewriting it would be most of a no-change publish.
        if (deployed || refreshed || !run.HadSnapshot || request.Verify || remoteStateSha != run.RemoteStateSha256)
        {
            SaveSnapshot(state with { RemoteStateSha256 = remoteStateSha, RemoteStateETag = remoteStateSha is null ? null : remoteStateETag }, diagnostics);
        }

        if (recording is not null && await recording.ConfigureAwait(false) is { } notRecorded)
        {
            diagnostics.Add(notRecorded);
        }

        // Clean end, nothing left for later: the next run with the same inputs can skip all of this.
        var clean = run.Fingerprint is not null && !run.Cancelled && executor.Errors.Count == 0
                    && diagnostics.All(d => d.Severity != DiagnosticSeverity.Error)
                    && (!request.RemoteState || remoteStateSha is not null)
                    && state.Entries.Values.All(e => e.RemovedAt is null)
                    && executor.Completed.Count == run.Plan.Changes.Count();
        if (clean)
        {
            SyncStamp.Write(request.SnapshotPath, run.Fingerprint!);
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

            if (action.Kind == SyncActionKind.Unchanged && action.Local is { } file)
            {
                var withDigest = entry.WithDigest(file.Digest!);
                if (ReferenceEquals(withDigest, entry) && entry.LastWriteTicks == file.LastWriteTicks && entry.EntryFile == (file.EntryFile ? true : null)
                    && entry.RemovedAt is null && entry.RemovedAtDeploy is null && Equals(entry.Headers, file.Headers))
                {
                    // Recorded as it is (most files of most deploys): nothing to allocate and compare.
                    continue;
                }

                // Something differs (the check above failed), so the refreshed entry is a change.
                state[action.Key] = withDigest with
                {
                    EntryFile = file.EntryFile ? true : null,
                    LastWriteTicks = file.LastWriteTicks,
                    Headers = file.Headers,
                    RemovedAt = null,
                    RemovedAtDeploy = null,
                };
                changed = true;
            }
            else if (action.Kind == SyncActionKind.Retain && entry.RemovedAt is null)
            {
                state[action.Key] = entry with { RemovedAt = now, RemovedAtDeploy = deploys };
                changed = true;
            }
        }

        return changed;
    }

    /// <param name="Body">The state as serialized this run (also the deploy's manifest); null when it was not.</param>
    private sealed record StateWrite(string? Sha256, string? ETag, bool Conflict = false, byte[]? Body = null);

    /// <summary>
    /// Writes the bucket's copy of the state when it differs from the one there, on <paramref name="condition"/>: a
    /// compare-and-swap on the state this run read. Returns its hash and ETag (null hash when it could not be written).
    /// </summary>
    /// <param name="changedObjects">This run changed objects: a refused write is then an error (SO1035), not a detail.</param>
    /// <param name="read">The state object as this run read it, whose hash is <paramref name="current"/>.</param>
    private async Task<StateWrite> WriteRemoteStateAsync(SyncSnapshot state, string? current, SyncSnapshot? read, WriteCondition condition,
        bool changedObjects, List<Diagnostic> diagnostics)
    {
        var key = request.EffectiveStateKey;
        state = state with { Destination = request.Destination.Location };
        if (current is not null && read is not null && RemoteState.Unchanged(state, read))
        {
            return new StateWrite(current, condition.IfMatch);
        }

        var body = RemoteState.Serialize(state);
        var sha = RemoteState.Hash(body);
        if (sha == current)
        {
            return new StateWrite(current, condition.IfMatch, Body: body);
        }

        try
        {
            // Not cancellable: a state that matches what was just done is worth the one extra request.
            var written = await store.WriteDocumentAsync(key, body, "application/gzip", condition, CancellationToken.None).ConfigureAwait(false);
            if (written.Outcome == ConditionalOutcome.NotSupported)
            {
                // A store that refuses the conditional header (the lease found that already, or this run took none).
                written = await store.WriteDocumentAsync(key, body, "application/gzip", WriteCondition.None, CancellationToken.None).ConfigureAwait(false);
            }

            if (written.Outcome == ConditionalOutcome.PreconditionFailed)
            {
                if (changedObjects)
                {
                    diagnostics.Add(Messages.StateChangedByAnotherWriter(ObjectKeys.Printable(key), store.Destination));
                }
                else
                {
                    log.Detail($"StaticOffload: the sync state {ObjectKeys.Printable(key)} changed while this run read the bucket (another deploy); left as that deploy wrote it.");
                }

                return new StateWrite(null, null, Conflict: true);
            }

            return new StateWrite(sha, written.ETag, Body: body);
        }
        catch (SyncFailedException ex)
        {
            diagnostics.Add(Messages.RemoteStateFailed(ObjectKeys.Printable(key), ex.Diagnostic.Message));
            return new StateWrite(null, null);
        }
    }

    /// <summary>
    /// Saves the local snapshot, and keeps it true when it cannot: a snapshot that could not be replaced describes the
    /// bucket as it was before this run, and trusted, it would skip a file changed back to an earlier content. So it
    /// is removed, with its stamp, and the next run reconciles from the bucket (its state object, else a listing).
    /// </summary>
    private void SaveSnapshot(SyncSnapshot snapshot, List<Diagnostic> diagnostics)
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
