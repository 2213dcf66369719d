using StaticOffload.Coordination;
using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Snapshot;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.History;

/// <summary>
/// Reads and writes the deploy history beside the sync state: one small index of the last
/// <see cref="SyncRequest.HistoryDepth"/> deploys, and per deploy a manifest (the bucket's state as that deploy left
/// it, in the state object's format, with each object's version id where the bucket keeps versions). Written under
/// the deploy lease, after the state; the index on the condition that it is still the one read.
/// </summary>
public sealed class HistoryRecorder(IObjectStore store, SyncRequest request, ISyncLog log)
{
    private string IndexKey => CoordinationKeys.History(request.EffectiveStateKey);

    /// <summary>
    /// Starts the read of the history that <see cref="RecordAsync"/> adds to, so it can go out beside the state's write;
    /// null when no history is kept. Pass it to <see cref="RecordAsync"/>, or to <see cref="ForgetAsync"/>.
    /// </summary>
    public Task<(HistoryDocument? History, string? ETag, string? Problem)>? Prefetch() =>
        request.HistoryDepth <= 0 ? null : ReadAsync(CancellationToken.None);

    /// <summary>Waits for a read that will not be used, so that nothing is in flight (or unobserved) after the run.</summary>
    public static async Task ForgetAsync(Task? read)
    {
        if (read is not null)
        {
            await read.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Records a deploy; returns SO2013 when it could not be (the deploy itself stands).</summary>
    /// <param name="stateBody">The state document as this run wrote it, from the same <paramref name="state"/>: the
    /// manifest byte for byte (the same entries, for the same location), so it is not serialized twice.</param>
    /// <param name="read">The history as <see cref="Prefetch"/> started to read it; read here when null.</param>
    public async Task<Diagnostic?> RecordAsync(DeployRecord record, SyncSnapshot state, byte[]? stateBody = null,
        Task<(HistoryDocument? History, string? ETag, string? Problem)>? read = null)
    {
        if (request.HistoryDepth <= 0)
        {
            return null;
        }

        // Not cancellable, like the state: a deploy that happened is worth recording.
        var cancellationToken = CancellationToken.None;
        try
        {
            var manifest = stateBody ?? RemoteState.Serialize(state with { Destination = request.Destination.Location });
            var manifestKey = CoordinationKeys.Manifest(request.EffectiveStateKey, record.Id);
            var wrote = await store.WriteDocumentAsync(manifestKey, manifest, "application/gzip", WriteCondition.None, cancellationToken)
                .ConfigureAwait(false);
            if (!wrote.Done)
            {
                return Messages.HistoryNotWritten(ObjectKeys.Printable(manifestKey), "the store refused the manifest.");
            }

            // Two attempts: a history written between our read and our write (a deploy that did not hold the lease) is
            // read again and added to, never overwritten.
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var (history, etag, _) = await (attempt == 1 && read is not null ? read : ReadAsync(cancellationToken)).ConfigureAwait(false);
                var (kept, dropped) = (history ?? HistoryDocument.Empty(request.Destination.Location)).Add(record, request.HistoryDepth);
                var written = await store.WriteDocumentAsync(IndexKey, kept.Serialize(), "application/json", WriteCondition.Replacing(etag), cancellationToken)
                    .ConfigureAwait(false);
                if (written.Outcome == ConditionalOutcome.NotSupported)
                {
                    written = await store.WriteDocumentAsync(IndexKey, kept.Serialize(), "application/json", WriteCondition.None, cancellationToken)
                        .ConfigureAwait(false);
                }

                if (written.Done)
                {
                    await DropManifestsAsync(dropped).ConfigureAwait(false);
                    log.Detail($"StaticOffload: recorded deploy {record.Id} in the deploy history {ObjectKeys.Printable(IndexKey)}.");
                    return null;
                }
            }

            return Messages.HistoryNotWritten(ObjectKeys.Printable(IndexKey), "it kept changing while it was written (another writer).");
        }
        catch (SyncFailedException ex)
        {
            return Messages.HistoryNotWritten(ObjectKeys.Printable(IndexKey), ex.Diagnostic.Message);
        }
        finally
        {
            // Used, or not when the manifest was refused: either way done before the lease is released.
            await ForgetAsync(read).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The history as the bucket holds it, with its ETag; a missing one is empty (null, no problem), one that is not a
    /// history this package wrote for this site is null with the reason.
    /// </summary>
    public async Task<(HistoryDocument? History, string? ETag, string? Problem)> ReadAsync(CancellationToken cancellationToken)
    {
        var document = await store.ReadDocumentAsync(IndexKey, HistoryDocument.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, null, null);
        }

        if (document.TooLarge is { } size)
        {
            return (null, document.ETag, $"it is {Reporting.Format.Bytes(size)}, more than a history of {request.HistoryDepth} deploys can be");
        }

        var history = HistoryDocument.Parse(document.Body, request.Destination.Location, out var problem);
        if (history is null)
        {
            log.Important($"StaticOffload: the deploy history {ObjectKeys.Printable(IndexKey)} is not used: {problem}. It starts afresh with this deploy.");
        }

        return (history, document.ETag, problem);
    }

    /// <summary>The state a recorded deploy left, read and checked as untrusted input like the state object.</summary>
    public async Task<(SyncSnapshot? Manifest, string? Problem)> ReadManifestAsync(DeployRecord record, CancellationToken cancellationToken)
    {
        var key = CoordinationKeys.Manifest(request.EffectiveStateKey, record.Id);
        var document = await store.ReadDocumentAsync(key, RemoteState.MaxCompressedBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, $"its manifest {ObjectKeys.Printable(key)} is gone");
        }

        if (document.TooLarge is not null)
        {
            return (null, $"its manifest {ObjectKeys.Printable(key)} is too large to be one");
        }

        var manifest = RemoteState.Read(document.Body, request.Destination.Prefix, out var problem, request.Destination.Location);
        return manifest is null ? (null, $"its manifest {ObjectKeys.Printable(key)} is not usable: {problem}") : (manifest, null);
    }

    private async Task DropManifestsAsync(IReadOnlyList<DeployRecord> dropped)
    {
        foreach (var old in dropped)
        {
            try
            {
                await store.DeleteDocumentAsync(CoordinationKeys.Manifest(request.EffectiveStateKey, old.Id), null, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (SyncFailedException ex)
            {
                // Left behind costs a few kilobytes, and nothing reads a manifest the history no longer names.
                log.Detail($"StaticOffload: the manifest of deploy {old.Id}, beyond the history's depth, was not deleted: {ex.Diagnostic.Message}");
            }
        }
    }
}
