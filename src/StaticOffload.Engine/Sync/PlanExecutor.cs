using System.Collections.Concurrent;
using StaticOffload.Diagnostics;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;
using StaticOffload.Storage.S3;

namespace StaticOffload.Sync;

/// <summary>
/// Carries out a plan, phase by phase, in parallel within a phase. Every action that took effect is applied to
/// <see cref="State"/> at once, so whatever stops the run (an error, Ctrl+C) leaves a state that is true.
/// </summary>
public sealed class PlanExecutor(IObjectStore store, int concurrency, ISyncLog log, bool serverSideCopy = true)
{
    private readonly ConcurrentQueue<SyncAction> _completed = new();
    private readonly ConcurrentQueue<Diagnostic> _errors = new();
    private long _bytesUploaded;
    private long _bytesSent;
    private int _done;

    public IReadOnlyCollection<SyncAction> Completed => _completed;

    public IReadOnlyCollection<Diagnostic> Errors => _errors;

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
            return new Dictionary<string, SnapshotEntry>(State, StringComparer.Ordinal);
        }
    }

    /// <summary>What the bucket holds as far as we know; starts as the baseline, updated as actions succeed.</summary>
    public required Dictionary<string, SnapshotEntry> State { get; init; }

    public async Task ExecuteAsync(SyncPlan plan, CancellationToken cancellationToken)
    {
        foreach (var phase in plan.Phases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (phase.Key == SyncPhase.Deletions)
            {
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
    }

    private async Task RunPhaseAsync(IReadOnlyList<SyncAction> actions, CancellationToken cancellationToken)
    {
        using var stopPhase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(actions,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = stopPhase.Token },
                async (action, ct) =>
                {
                    try
                    {
                        await RunAsync(action, ct).ConfigureAwait(false);
                    }
                    catch (SyncFailedException ex)
                    {
                        _errors.Enqueue(ex.Diagnostic);
                        await stopPhase.CancelAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Increment(ref _done);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_errors.IsEmpty)
        {
            // Stopped because an action failed; that failure is what gets reported.
        }
    }

    private async Task RunAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var file = action.Local!;
        var upload = action.Kind == SyncActionKind.Upload
            || (action.Kind == SyncActionKind.UpdateMetadata && (!serverSideCopy || file.Size > S3ObjectStore.MaxCopySize));
        string etag;
        if (upload)
        {
            var sent = new Progress(this);
            try
            {
                etag = await store.UploadAsync(action.Key, file.FullPath, file.Size, file.Headers, file.Digest.Sha256,
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
        else
        {
            etag = await store.UpdateHeadersAsync(action.Key, file.Headers, file.Digest.Sha256, cancellationToken)
                .ConfigureAwait(false);
        }

        Record(action.Key, new SnapshotEntry
        {
            Size = file.Size,
            LastWriteTicks = file.LastWriteTicks,
            Md5 = file.Digest.Md5,
            Sha256 = file.Digest.Sha256,
            ETag = S3ETag.Normalize(etag),
            Headers = file.Headers,
        });
        _completed.Enqueue(action);
        log.Detail($"  {Verb(action),-9} {action.Key} ({action.Reason}{(upload ? $", {Format.Bytes(file.Size)}" : "")})");
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
                    _errors.Enqueue(Diagnostic.Error(DiagnosticCodes.RequestFailed,
                        $"S3 refused to delete '{action.Key}' in {store.Destination}: {failure.Code}: {failure.Message}. It stays in the snapshot and is retried by the next sync."));
                    continue;
                }

                lock (State)
                {
                    State.Remove(action.Key);
                }

                _completed.Enqueue(action);
                Interlocked.Increment(ref _done);
                log.Detail($"  deleted   {action.Key}");
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
            throw new SyncFailedException(Diagnostic.Error(DiagnosticCodes.FileChangedDuringUpload,
                $"'{file.FullPath}' changed while it was being uploaded; it is not recorded as synced. Run the sync again once the build has finished writing it.",
                file.FullPath));
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

    private void Record(string key, SnapshotEntry entry)
    {
        lock (State)
        {
            State[key] = entry;
        }
    }

    private static string Verb(SyncAction action) => action.Kind switch
    {
        SyncActionKind.Upload => "uploaded",
        SyncActionKind.UpdateMetadata => "updated",
        _ => action.Kind.ToString().ToLowerInvariant(),
    };
}
