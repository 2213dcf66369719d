using StaticOffload.Diagnostics;
using StaticOffload.Hashing;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Snapshot;
using StaticOffload.State;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.Baseline;

/// <summary>What the bucket is believed to hold before this run, and how that was learnt.</summary>
/// <param name="Deploys">How many deploys changed the bucket so far (the delete grace period counts in these).</param>
/// <param name="RemoteStateSha256">The hash of the bucket's state object as last read or written; null when unknown.</param>
/// <param name="Listed">Learnt from a listing of the bucket (no snapshot, or Verify), not from the local snapshot.</param>
/// <param name="RemoteStateETag">The ETag of that state object; null when unknown or when there was none.</param>
/// <param name="RemoteStateRead">That state object as this run read it (a listed baseline); null when it did not read one.</param>
public sealed record BucketBaseline(Dictionary<string, SnapshotEntry> Entries, int Deploys, string? RemoteStateSha256, bool Listed,
    string? RemoteStateETag = null, SyncSnapshot? RemoteStateRead = null);

/// <summary>The local files and the bucket's baseline, or why the run cannot go on.</summary>
public sealed record LoadedBaseline
{
    /// <summary>The local files, each hashed where its digest decides something.</summary>
    public IReadOnlyList<LocalFile> Local { get; init; } = [];

    /// <summary>Null when loading failed (the diagnostics say why) or when <see cref="NoChange"/>.</summary>
    public BucketBaseline? Bucket { get; init; }

    /// <summary>The local snapshot as it was loaded; null when there was none (or none to trust).</summary>
    public SyncSnapshot? Snapshot { get; init; }

    /// <summary>The no-change stamp this run would write if it ends clean; null when the run may not write one.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The stamp matched: the same inputs as at the end of the last clean run, nothing to read or send.</summary>
    public bool NoChange { get; init; }

    /// <summary>Loading failed after the bucket was read from (for the report).</summary>
    public bool Listed { get; init; }
}

/// <summary>
/// The first stage of a sync: what is here and what is there. The local files are stated (and hashed only where a
/// digest decides something); what the bucket holds comes from the local snapshot when there is one (no request at
/// all), else from the bucket itself: its state object, read as untrusted input, checked against one listing. Keys
/// the sync does not manage are dropped on the way (<see cref="BaselineGuard"/>). The no-change stamp short-cuts all
/// of it when nothing the sync decides from has changed since the last clean run.
/// </summary>
public sealed class BaselineLoader(IObjectStore store, ISyncLog log)
{
    public async Task<LoadedBaseline> LoadAsync(SyncRequest request, SnapshotStore snapshotStore, List<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        var prefix = request.Destination.Prefix;
        var (stated, statErrors) = LocalInventory.Stat(request.Files, prefix);
        if (statErrors.Count > 0)
        {
            diagnostics.AddRange(statErrors);
            return new LoadedBaseline();
        }

        var stampable = !request.Verify && !request.DryRun && !request.Force;
        var fingerprint = stampable ? SyncStamp.Compute(request, store.Destination, stated) : null;
        if (fingerprint is not null && SyncStamp.Matches(request.SnapshotPath, fingerprint))
        {
            log.Detail("StaticOffload: the same files, sizes, times and headers as at the end of the last sync; the snapshot was not read.");
            return new LoadedBaseline { Local = stated, NoChange = true };
        }

        // From here on the snapshot may change; a stamp must not outlive the snapshot it vouched for.
        SyncStamp.Delete(request.SnapshotPath);
        if (!request.DryRun)
        {
            // Something changed since the last clean run: a deploy is likely, and the store gets ready for it while the
            // rest of this stage and the plan run.
            store.Prepare();
        }
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

        var layout = request.Destination.Capabilities.Layout;
        var scan = LocalInventory.Scan(stated, snapshot?.Entries, layout);
        var fromSnapshot = snapshot is not null && !request.Verify;
        // Every file the sync may read must open before anything in the bucket changes. From the snapshot, that is
        // before any request; with a listing, after it: the listing's own hashing opens every listed file anyway,
        // and at 100,000 files a second open of each was a tenth of a fresh clone.
        if (fromSnapshot && Unreadable(scan, scan.Stale, diagnostics))
        {
            return new LoadedBaseline();
        }

        BucketListing? bucket = null;
        var hashedWhileListing = 0;
        if (!fromSnapshot)
        {
            log.Important(RunNarration.Reading(store.Destination, snapshot is not null));
            var hasher = new ListedFileHasher(scan.Files, layout, cancellationToken);
            try
            {
                bucket = await ListBucketAsync(request, stated.Select(f => f.Key), guard, hasher.Listed, diagnostics, cancellationToken)
                    .ConfigureAwait(false);
                log.Important(RunNarration.Found(store.Destination, bucket.Objects.Count, bucket.State is not null));
            }
            catch (SyncFailedException ex)
            {
                diagnostics.Add(ex.Diagnostic);
                return new LoadedBaseline { Listed = true };
            }
            finally
            {
                await hasher.CompleteAsync().ConfigureAwait(false);
                hashedWhileListing = hasher.Hashed;
            }

            // What the listing's hashing did not open: the files new to the bucket, and any it could not read.
            if (Unreadable(scan, scan.Stale.Where(i => scan.Files[i].Digest is null).ToArray(), diagnostics))
            {
                return new LoadedBaseline { Listed = true };
            }
        }

        // Only a key the bucket may already hold needs a digest before the plan: it decides between upload and
        // nothing. Any other file is uploaded regardless, and hashed from the bytes read for its upload. Against the
        // snapshot, XXH128 tells (an entry of an older snapshot has only an MD5); against the listing only the MD5
        // can: an ETag is proven against the local bytes, never against a hash someone else recorded.
        Func<LocalFile, DigestKinds> needs = fromSnapshot
            ? file => !snapshot!.Entries.TryGetValue(file.Key, out var entry) ? DigestKinds.None
                : entry.Xxh128 is not null ? DigestKinds.Xxh128 : DigestKinds.Md5 | DigestKinds.ETag
            : file => bucket!.Keys.Contains(file.Key) ? DigestKinds.Md5 | DigestKinds.ETag : DigestKinds.None;
        var (local, readErrors, hashedNow) = await LocalInventory.CompleteAsync(scan, needs, layout, cancellationToken)
            .ConfigureAwait(false);
        var hashed = hashedNow + hashedWhileListing;
        if (readErrors.Count > 0)
        {
            diagnostics.AddRange(readErrors);
            return new LoadedBaseline { Listed = !fromSnapshot };
        }

        log.Detail($"StaticOffload: {local.Count} files, {hashed} hashed, {local.Count - scan.Stale.Count} unchanged on disk since the last sync, {scan.Stale.Count - hashed} new to the bucket (hashed as they upload).");

        BucketBaseline baseline;
        try
        {
            baseline = fromSnapshot
                ? new BucketBaseline(snapshot!.Entries, snapshot.Deploys, snapshot.RemoteStateSha256, Listed: false, snapshot.RemoteStateETag)
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
            return new LoadedBaseline { Listed = !fromSnapshot };
        }

        if (guard.Warning() is { } leftAlone)
        {
            diagnostics.Add(leftAlone);
        }

        return new LoadedBaseline { Local = local, Bucket = baseline, Snapshot = snapshot, Fingerprint = fingerprint, Listed = baseline.Listed };
    }

    /// <summary>
    /// Whether the bucket's state object is still the one this run's baseline came from, checked once the deploy holds
    /// the lease: one conditional read (<c>If-None-Match</c> on the ETag known, so an unchanged state is not downloaded).
    /// When another deploy wrote it since (the local snapshot is older than the bucket), the caller re-reads the bucket
    /// and plans again. Returns the state's ETag, for the write at the end to be conditional on it.
    /// </summary>
    public async Task<(bool Current, string? ETag)> IsCurrentAsync(SyncRequest request, BucketBaseline baseline, CancellationToken cancellationToken)
    {
        var document = await store.ReadDocumentAsync(request.EffectiveStateKey, RemoteState.MaxCompressedBytes, cancellationToken,
            ifNoneMatch: baseline.RemoteStateETag).ConfigureAwait(false);
        if (document is null)
        {
            return (baseline.RemoteStateETag is null && baseline.RemoteStateSha256 is null, null);
        }

        var current = document.NotModified
                      || (baseline.RemoteStateETag is not null && document.ETag == baseline.RemoteStateETag)
                      || (baseline.RemoteStateSha256 is not null && document.TooLarge is null && RemoteState.Hash(document.Body) == baseline.RemoteStateSha256);
        return (current, document.ETag);
    }

    private static bool Unreadable(LocalInventory.ScanResult scan, IReadOnlyList<int> indexes, List<Diagnostic> diagnostics)
    {
        var errors = LocalInventory.Unreadable(scan.Files, indexes);
        diagnostics.AddRange(errors);
        return errors.Count > 0;
    }

    /// <summary>What the bucket says it holds: its listing and the state document a previous sync left there.</summary>
    private sealed record BucketListing(IReadOnlyList<RemoteObject> Objects, SyncSnapshot? State, string? StateSha256,
        DateTimeOffset? StateWrittenAt, string? StateETag)
    {
        public HashSet<string> Keys { get; } = Objects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <param name="listed">Told of the listed objects as the pages come in.</param>
    private async Task<BucketListing> ListBucketAsync(SyncRequest request, IEnumerable<string> localKeys, BaselineGuard guard,
        Action<IReadOnlyList<RemoteObject>> listed, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var prefix = request.Destination.Prefix;
        // The state is read before the listing starts, never beside it: a deploy that writes objects after this read
        // writes its state after them, which the check under the lease (IsCurrentAsync) then sees; one that wrote its
        // state before it wrote its objects before it too, and the listing shows them. Only parsing the state (a
        // second of CPU at 100,000 entries) runs while the pages come in.
        var document = request.RemoteState ? await ReadStateDocumentAsync(request, cancellationToken).ConfigureAwait(false) : null;
        var stateDiagnostics = new List<Diagnostic>();
        var parsed = document is null ? null : Task.Run(() => ParseState(request, document, stateDiagnostics), cancellationToken);
        IReadOnlyList<RemoteObject> objects;
        try
        {
            objects = await RemoteBaseline.ListAsync(store, prefix, localKeys, request.Concurrency, cancellationToken, listed).ConfigureAwait(false);
        }
        finally
        {
            if (parsed is not null)
            {
                await ((Task)parsed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        var (state, stateSha, writtenAt, stateETag) = parsed is null ? default : await parsed.ConfigureAwait(false);
        diagnostics.AddRange(stateDiagnostics);
        return new BucketListing(guard.Listing(objects), state, stateSha, writtenAt, stateETag);
    }

    /// <summary>
    /// The state object, read as the untrusted input it is: bounded in size, checked entry by entry. One that fails
    /// is ignored with a warning; the listing (and a HEAD per matching object) then tells what is there, and the end
    /// of the sync writes a good state over it.
    /// </summary>
    public async Task<(SyncSnapshot? State, string? Sha256, DateTimeOffset? WrittenAt, string? ETag)> ReadRemoteStateAsync(SyncRequest request,
        List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var document = await ReadStateDocumentAsync(request, cancellationToken).ConfigureAwait(false);
        return document is null ? default : ParseState(request, document, diagnostics);
    }

    private Task<StoredDocument?> ReadStateDocumentAsync(SyncRequest request, CancellationToken cancellationToken) =>
        store.ReadDocumentAsync(request.EffectiveStateKey, RemoteState.MaxCompressedBytes, cancellationToken);

    private static (SyncSnapshot? State, string? Sha256, DateTimeOffset? WrittenAt, string? ETag) ParseState(SyncRequest request,
        StoredDocument document, List<Diagnostic> diagnostics)
    {
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
            diagnostics.Add(Messages.RemoteStateIgnored(ObjectKeys.Printable(request.EffectiveStateKey), problem));
            // Its ETag still counts: the state written at the end replaces exactly this object, or learns it changed.
            return (null, null, null, document.ETag);
        }

        return (state, RemoteState.Hash(document.Body), document.LastModified, document.ETag);
    }

    private async Task<BucketBaseline> CompareWithBucketAsync(SyncRequest request, BucketListing bucket, IReadOnlyList<LocalFile> local,
        CancellationToken cancellationToken)
    {
        var result = await RemoteBaseline.BuildAsync(store, bucket.Objects, local, bucket.State, bucket.StateWrittenAt,
            request.Concurrency, cancellationToken).ConfigureAwait(false);
        log.Detail($"StaticOffload: no local snapshot; {result.Listed} objects listed, {result.TrustedFromState} confirmed by the bucket's sync state, {result.Headed} read with HEAD.");
        return new BucketBaseline(result.Entries, bucket.State?.Deploys ?? 0, bucket.StateSha256, Listed: true, bucket.StateETag, bucket.State);
    }
}
