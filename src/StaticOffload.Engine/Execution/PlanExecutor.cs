using System.Collections.Concurrent;
using StaticOffload.Diagnostics;
using StaticOffload.Files;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Snapshot;
using StaticOffload.Keys;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.Execution;

/// <summary>
/// Carries out a plan, phase by phase, in parallel within a phase. Every action that took effect is recorded at
/// once and is in <see cref="State"/> when the run ends, so whatever stops it (an error, Ctrl+C) leaves a state that
/// is true; <see cref="StateSnapshot"/> gives the same while it runs.
/// </summary>
/// <param name="layout">How the store is sent files: the digest a large new file needs before it streams.</param>
/// <param name="lines">The line logged per change that took effect.</param>
public sealed class PlanExecutor(IObjectStore store, int concurrency, ISyncLog log, UploadLayout layout, ChangeLines lines)
{
    private readonly ConcurrentQueue<SyncAction> _completed = new();
    private readonly ConcurrentQueue<Diagnostic> _errors = new();
    private readonly ConcurrentQueue<Diagnostic> _warnings = new();
    private readonly ConcurrentQueue<(string Key, SnapshotEntry? Entry)> _journal = new();

    /// <summary>
    /// Files up to this size are read whole into memory, hashed and sent from there: one read instead of two. Small
    /// enough that a full set of parallel uploads holds little memory (32 × 1 MiB by default), large enough for
    /// nearly every web asset.
    /// </summary>
    public const int BufferedUploadLimit = 1 << 20;

    private long _bytesUploaded;
    private long _bytesSent;
    private int _done;

    public IReadOnlyCollection<SyncAction> Completed => _completed;

    public IReadOnlyCollection<Diagnostic> Errors => _errors;

    /// <summary>What the run found and handled (an object changed behind the sync's back, uploaded instead of copied).</summary>
    public IReadOnlyCollection<Diagnostic> Warnings => _warnings;

    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    /// <summary>Bytes on the wire so far, including files still uploading: for progress only.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Actions finished so far, successful or not.</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>A copy of <see cref="State"/> taken under its lock, for a checkpoint while actions still run.</summary>
    public Dictionary<string, SnapshotEntry> StateSnapshot()
    {
        lock (State)
        {
            ApplyJournal();
            return new Dictionary<string, SnapshotEntry>(State, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Runs once every change but the deletions took effect, before the first delete (or at the end when there is
    /// none), and only if nothing failed: the CDN invalidation. What it fails with stops the run before any delete.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeDeletions { get; set; }

    /// <summary>The CDN invalidation <see cref="BeforeDeletions"/> made, if any.</summary>
    public Cdn.Invalidation? Invalidation { get; set; }

    /// <summary>Whether <see cref="BeforeDeletions"/> ran.</summary>
    public bool ReachedDeletions { get; private set; }

    /// <summary>What the bucket holds as far as we know; starts as the baseline, updated as actions succeed.</summary>
    public required Dictionary<string, SnapshotEntry> State { get; init; }

    public async Task ExecuteAsync(SyncPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await ExecutePhasesAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // However the run ends, State holds every action that took effect.
            lock (State)
            {
                ApplyJournal();
            }
        }
    }

    private async Task ExecutePhasesAsync(SyncPlan plan, CancellationToken cancellationToken)
    {
        foreach (var phase in plan.Phases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (phase.Key == SyncPhase.Deletions)
            {
                if (!await ReachDeletionsAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await DeleteAsync(phase.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RunPhaseAsync(phase.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            if (!_errors.IsEmpty)
            {
                // A later phase may point at what failed here (a page at its assets), or delete what is still
                // referenced; stop and let the next run finish the job.
                return;
            }
        }

        await ReachDeletionsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ReachDeletionsAsync(CancellationToken cancellationToken)
    {
        if (ReachedDeletions)
        {
            return _errors.IsEmpty;
        }

        ReachedDeletions = true;
        try
        {
            if (BeforeDeletions is { } step)
            {
                await step(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SyncFailedException ex)
        {
            _errors.Enqueue(ex.Diagnostic);
        }

        return _errors.IsEmpty;
    }

    private async Task RunPhaseAsync(IReadOnlyList<SyncAction> actions, CancellationToken cancellationToken)
    {
        using var stopPhase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Until a write of this run, and a write that carried an ACL, took effect, one goes alone (FirstWrites).
        var alone = FirstWrites.Alone(actions, written: !_completed.IsEmpty, aclWritten: _completed.Any(a => FirstWrites.Acl(a) is not null));
        if (alone >= 0)
        {
            // Alone, before the others start: a refusal every other write would meet too comes back once.
            await RunGuardedAsync(actions[alone], stopPhase, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (!_errors.IsEmpty)
            {
                return;
            }

            actions = [.. actions.Where((_, i) => i != alone)];
        }

        // Workers that take the next action by an interlocked counter: Parallel.ForEachAsync hands items out under a
        // lock, and with 32 uploads finishing at once that lock was a hot spot.
        var next = -1;
        async Task WorkAsync()
        {
            int index;
            while (!stopPhase.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < actions.Count)
            {
                await RunGuardedAsync(actions[index], stopPhase, cancellationToken).ConfigureAwait(false);
            }
        }

        var workers = Enumerable.Range(0, Math.Clamp(concurrency, 1, Math.Max(1, actions.Count)))
            .Select(_ => Task.Run(WorkAsync, CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>One action of a phase: a failure is recorded and stops the phase's other workers.</summary>
    private async Task RunGuardedAsync(SyncAction action, CancellationTokenSource stopPhase, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(action, stopPhase.Token).ConfigureAwait(false);
        }
        catch (SyncFailedException ex)
        {
            _errors.Enqueue(ex.Diagnostic);
            await stopPhase.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopPhase.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped because another action failed; that failure is what gets reported.
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not a failure the sync knows (a bug): stop the other workers too, then let it surface.
            await stopPhase.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            Interlocked.Increment(ref _done);
        }
    }

    private async Task RunAsync(SyncAction action, CancellationToken cancellationToken)
    {
        if (action.Kind == SyncActionKind.Copy && action.Local is null)
        {
            await RestoreAsync(action, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (action.Kind == SyncActionKind.Copy)
        {
            if (await CopyDuplicateAsync(action, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            action = action with { Kind = SyncActionKind.Upload, Reason = SyncReason.New, Restore = null };
        }

        if (action.Kind == SyncActionKind.UpdateMetadata)
        {
            if (await CopyAsync(action, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            action = action.Fallback!;
        }

        await UploadAsync(action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the object's headers by a copy onto itself, on the condition that it is still the object recorded with
    /// this content. Not every S3-compatible store honours the condition, so the ETag the copy returns is checked too:
    /// it must be the recorded one or the file's MD5 (a copy of a multipart object gets a plain MD5 ETag). Otherwise
    /// the object is someone else's content, and the caller uploads the file.
    /// </summary>
    /// <returns>Whether the copy was made onto the recorded content (and recorded).</returns>
    private async Task<bool> CopyAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var file = action.Local!;
        var digest = DigestForCopy(file, action.IfETag!, cancellationToken);
        var returned = await store.CopyAsync(new CopySource(action.Key, null, action.IfETag!), action.Key, file.Headers, digest.Sha256!,
            replaceMetadata: true, cancellationToken).ConfigureAwait(false);
        var etag = returned?.ETag;
        if (etag is null || (etag != action.IfETag && etag != digest.Md5))
        {
            _warnings.Enqueue(Messages.ObjectChangedInBucket(ObjectKeys.Printable(action.Key), store.Destination, action.IfETag, etag,
                file.FullPath.Length > 0 ? file.FullPath : null));
            return false;
        }

        Complete(action, file with { Digest = digest }, etag, returned!.VersionId);
        return true;
    }

    /// <summary>
    /// A new key whose content the bucket holds under another key: copied from there with the file's headers, on the
    /// condition that the source is still the object recorded with that content; the ETag the copy returns must be the
    /// source's or the file's MD5. Otherwise (the source changed or is gone, the store refused) the file is uploaded.
    /// </summary>
    /// <returns>Whether the copy was made (and recorded).</returns>
    private async Task<bool> CopyDuplicateAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var file = action.Local!;
        var source = action.Restore!.Source;
        var digest = DigestForCopy(file, source.IfETag, cancellationToken);
        StoredObject? copied;
        try
        {
            copied = await store.CopyAsync(source, action.Key, file.Headers, digest.Sha256, replaceMetadata: true, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (SyncFailedException ex) when (!ex.IsFinal)
        {
            // A refusal every write would meet (wrong region, ACLs disabled, credentials) is not retried as an upload.
            log.Detail($"StaticOffload: '{ObjectKeys.Printable(action.Key)}' could not be copied from '{ObjectKeys.Printable(source.Key)}' ({ex.Diagnostic.Message}); uploading it.");
            return false;
        }

        if (copied is null || (copied.ETag != source.IfETag && copied.ETag != digest.Md5))
        {
            log.Detail($"StaticOffload: '{ObjectKeys.Printable(source.Key)}' is no longer the content recorded; uploading '{ObjectKeys.Printable(action.Key)}' instead of copying it.");
            return false;
        }

        Complete(action, file with { Digest = digest }, copied.ETag, copied.VersionId);
        return true;
    }

    /// <summary>
    /// Copies the recorded object (or version) to the key, keeping the source's headers and sending what S3 never copies.
    /// The copy must be of the content recorded: the ETag it returns is the recorded ETag or its MD5, else it fails.
    /// </summary>
    private async Task RestoreAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var (source, entry, replaceHeaders) = action.Restore!;
        var headers = entry.Headers ?? new Rules.ObjectHeaders(Rules.ContentTypeMap.Fallback);
        var copied = await store.CopyAsync(source, action.Key, headers, entry.Sha256, replaceHeaders, cancellationToken).ConfigureAwait(false);
        // A copy of a multipart object gets a plain MD5 ETag; with that MD5 unknown, the copy's own condition on the
        // source's ETag is the proof.
        var multipartUnknown = S3ETag.IsMultipart(entry.ETag) && entry.Md5 is null;
        if (copied is null || (copied.ETag != S3ETag.Normalize(entry.ETag) && copied.ETag != entry.Md5 && !multipartUnknown))
        {
            throw new SyncFailedException(Messages.RestoreSourceChanged(ObjectKeys.Printable(action.Key), action.Restore.Describe(), store.Destination,
                copied?.ETag));
        }

        Record(action.Key, entry with { ETag = copied.ETag, VersionId = copied.VersionId, Md5 = entry.Md5 ?? (S3ETag.IsMultipart(entry.ETag) ? null : copied.ETag) });
        _completed.Enqueue(action);
        log.Change(lines.Done(action));
    }

    /// <summary>
    /// What a copy needs: the SHA-256 the object's metadata restates, and the MD5 where the copy of a multipart object
    /// returns one (S3 gives the copy a plain MD5 ETag). Known from the snapshot for large files; otherwise from one
    /// read, whose XXH128 must still be the one the plan compared.
    /// </summary>
    private ContentDigest DigestForCopy(LocalFile file, string ifETag, CancellationToken cancellationToken)
    {
        var planned = file.Digest!;
        var kinds = (planned.Sha256 is null ? DigestKinds.Sha256 : 0)
                    | (planned.Md5 is null && S3ETag.IsMultipart(ifETag) ? DigestKinds.Md5 : 0);
        if (kinds == DigestKinds.None || file.FullPath.Length == 0)
        {
            return planned;
        }

        ContentDigest read;
        try
        {
            read = layout.HashFile(file.FullPath, kinds | DigestKinds.Xxh128, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SyncFailedException(Messages.FileUnreadable(file.FullPath, ex, beforeAnyChange: false), ex);
        }

        if (read.Size != file.Size
            || (planned.Xxh128 is not null && !string.Equals(read.Xxh128, planned.Xxh128, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SyncFailedException(Messages.FileChangedDuringUpload(file.FullPath));
        }

        return planned.With(read);
    }

    private async Task UploadAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var file = action.Local!;
        StoredObject stored;
        if (file.FullPath.Length > 0 && file.Size <= BufferedUploadLimit)
        {
            using var body = FileBody.Read(file.FullPath, BufferedUploadLimit);
            // What the request needs (the SHA-256: object metadata and the signed payload hash, one pass for both)
            // and what the next run compares (XXH128). No MD5: the signed SHA-256 already lets the server reject
            // damaged bytes, and the ETag the server returns is what gets recorded.
            var digest = ContentHasher.HashBytes(body.Content, DigestKinds.Sha256 | DigestKinds.Xxh128, layout);
            stored = await store.UploadBytesAsync(action.Key, body.Content, file.Headers, digest, cancellationToken).ConfigureAwait(false);
            // What was read is what was sent and hashed; its mtime is recorded, even if it is newer than the plan's.
            file = file with { Size = body.Length, LastWriteTicks = body.LastWriteTicks, Digest = digest };
            Interlocked.Add(ref _bytesSent, file.Size);
            Interlocked.Add(ref _bytesUploaded, file.Size);
        }
        else
        {
            var digest = file.Digest is { Sha256: not null, Xxh128: not null } known
                ? known
                : await HashAsync(file, cancellationToken).ConfigureAwait(false);
            file = file with { Digest = digest };
            var sent = new Progress(this);
            try
            {
                stored = await store.UploadAsync(action.Key, file.FullPath, file.Size, file.Headers, digest.Sha256!,
                    sent, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // What a failed attempt had sent no longer counts toward progress.
                Interlocked.Add(ref _bytesSent, -sent.Total);
            }

            Interlocked.Add(ref _bytesSent, file.Size);
            if (file.FullPath.Length > 0)
            {
                EnsureUnchangedSince(file);
            }

            Interlocked.Add(ref _bytesUploaded, file.Size);
        }

        Complete(action, file, stored.ETag, stored.VersionId, file.Size);
    }

    /// <summary>Records that the key now holds the file (sent, or copied from content recorded as the file's), and says so.</summary>
    private void Complete(SyncAction action, LocalFile file, string etag, string? versionId, long? bytesSent = null)
    {
        Record(action.Key, new SnapshotEntry
        {
            Size = file.Size,
            LastWriteTicks = file.LastWriteTicks,
            ETag = etag,
            Headers = file.Headers,
            VersionId = versionId,
            EntryFile = file.EntryFile ? true : null,
        }.WithDigest(file.Digest!));
        _completed.Enqueue(action);
        log.Change(lines.Done(action, bytesSent));
    }

    /// <summary>
    /// A large file (streamed from disk): its SHA-256 goes in the request's metadata before the first byte is sent, so
    /// it is read once before, with the XXH128 the snapshot records. Its MD5s are not needed: the ETag is the server's.
    /// </summary>
    private async Task<ContentDigest> HashAsync(LocalFile file, CancellationToken cancellationToken)
    {
        try
        {
            var digest = await Task.Run(
                () => layout.HashFile(file.FullPath, DigestKinds.Sha256 | DigestKinds.Xxh128, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            // The plan compared the bytes it hashed; these must be the same ones.
            if (digest.Size != file.Size
                || (file.Digest?.Xxh128 is { } planned && !string.Equals(planned, digest.Xxh128, StringComparison.OrdinalIgnoreCase)))
            {
                throw new SyncFailedException(Messages.FileChangedDuringUpload(file.FullPath));
            }

            return file.Digest is { } known ? digest.With(known) : digest;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SyncFailedException(Messages.FileUnreadable(file.FullPath, ex, beforeAnyChange: false), ex);
        }
    }

    private async Task DeleteAsync(IReadOnlyList<SyncAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            var failures = await store.DeleteAsync(actions.Select(a => a.Key).ToArray(), cancellationToken).ConfigureAwait(false);
            var failed = failures.ToDictionary(f => f.Key, StringComparer.Ordinal);
            foreach (var action in actions)
            {
                if (failed.TryGetValue(action.Key, out var failure))
                {
                    _errors.Enqueue(Messages.DeleteRefused(action.Key, store.Destination, failure.Code, failure.Message));
                    continue;
                }

                _journal.Enqueue((action.Key, null));

                _completed.Enqueue(action);
                Interlocked.Increment(ref _done);
                log.Change(lines.Done(action));
            }
        }
        catch (SyncFailedException ex)
        {
            _errors.Enqueue(ex.Diagnostic);
        }
    }

    // A file rewritten while it was read would leave the bucket with bytes that match neither version's digest.
    private static void EnsureUnchangedSince(LocalFile file)
    {
        var info = new FileInfo(file.FullPath);
        if (!info.Exists || info.Length != file.Size || info.LastWriteTimeUtc.Ticks != file.LastWriteTicks)
        {
            throw new SyncFailedException(Messages.FileChangedDuringUpload(file.FullPath));
        }
    }

    /// <summary>Synchronous on purpose: Progress&lt;T&gt; would post to a thread pool and report late.</summary>
    private sealed class Progress(PlanExecutor owner) : IProgress<long>
    {
        public long Total;

        public void Report(long value)
        {
            Interlocked.Add(ref Total, value);
            Interlocked.Add(ref owner._bytesSent, value);
        }
    }

    // Queued rather than written under a lock: 16 uploads finishing together made that lock a hot spot (~4% of the
    // CPU of a 10,000-file upload spent spinning on it). Readers of State apply the queue first.
    private void Record(string key, SnapshotEntry entry) => _journal.Enqueue((key, entry));

    /// <summary>Applies what completed since the last call; the caller holds the lock on State.</summary>
    private void ApplyJournal()
    {
        while (_journal.TryDequeue(out var change))
        {
            if (change.Entry is null)
            {
                State.Remove(change.Key);
            }
            else
            {
                State[change.Key] = change.Entry;
            }
        }
    }
}
