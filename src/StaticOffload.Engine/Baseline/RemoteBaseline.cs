using StaticOffload.Hashing;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Baseline;

/// <summary>
/// Without a local snapshot (a fresh CI clone, a new machine), the bucket itself says what it holds: one listing of
/// the prefix, checked against the state object a previous sync left in the bucket. A state entry is trusted when
/// the listing agrees with it (same ETag and size, not modified after the state was written); every other object is
/// compared by ETag with the local MD5, and read with HEAD when its content matches, because a listing does not show
/// headers and a changed rule must still be applied.
/// </summary>
public static class RemoteBaseline
{
    public sealed record Result(Dictionary<string, SnapshotEntry> Entries, int Listed, int TrustedFromState, int Headed);

    /// <summary>The prefix's objects, without the sync's own state folder, page after page (no local keys to range by).</summary>
    public static Task<IReadOnlyList<RemoteObject>> ListAsync(IObjectStore store, string prefix, CancellationToken cancellationToken) =>
        ListAsync(store, prefix, [], 1, cancellationToken);

    /// <summary>
    /// The prefix's objects, without the sync's own state folder, listed in ranges between the local keys, several
    /// pages at a time (<see cref="ParallelListing"/>).
    /// </summary>
    /// <param name="listed">Told of the objects as pages come in (see <see cref="ParallelListing.ListAsync"/>).</param>
    public static async Task<IReadOnlyList<RemoteObject>> ListAsync(IObjectStore store, string prefix, IEnumerable<string> localKeys,
        int concurrency, CancellationToken cancellationToken, Action<IReadOnlyList<RemoteObject>>? listed = null) =>
        WithoutReserved(prefix, await ParallelListing.ListAsync(
            (startAfter, token, ct) => store.ListPageAsync(prefix, startAfter, token, ct), ListingRanges.Boundaries(localKeys),
            Math.Min(concurrency, ListingRanges.MaxParallelPages), cancellationToken, listed).ConfigureAwait(false));

    private static RemoteObject[] WithoutReserved(string prefix, IReadOnlyList<RemoteObject> objects) =>
        objects.Where(o => !ObjectKeys.IsReserved(prefix, o.Key)).ToArray();

    /// <param name="local">The local files; every one whose key is in <paramref name="listing"/> must be hashed.</param>
    public static async Task<Result> BuildAsync(IObjectStore store, IReadOnlyList<RemoteObject> listing, IReadOnlyList<LocalFile> local,
        SyncSnapshot? state, DateTimeOffset? stateWrittenAt, int concurrency, CancellationToken cancellationToken)
    {
        var trusted = 0;
        var localByKey = local.ToDictionary(f => f.Key, StringComparer.Ordinal);
        var baseline = new Dictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        var toHead = new List<(string Key, LocalFile File)>();

        // Joined by key, never by listing order: some S3-compatible stores list in a different order than S3.
        foreach (var remote in listing)
        {
            var etag = S3ETag.Normalize(remote.ETag);
            // A content hash is paired with this object only when its ETag proves it against the local bytes. The
            // state's own MD5 is never taken for that: the state is anyone's to write, and an older version of this
            // package recorded a local hash next to an object someone else had overwritten.
            localByKey.TryGetValue(remote.Key, out var file);
            var proven = file?.Digest is not null && remote.Size == file.Size
                         && await ContentMatchesAsync(etag, file, cancellationToken).ConfigureAwait(false);
            var md5 = proven ? file!.Digest!.Md5 : null;
            // Paired with this ETag only now that the local bytes proved it; whatever hash the state brings is dropped.
            var xxh = proven ? file!.Digest!.Xxh128 : null;
            if (state is not null && state.Entries.TryGetValue(remote.Key, out var recorded)
                && recorded.Size == remote.Size && S3ETag.Normalize(recorded.ETag) == etag
                && !ModifiedAfter(remote.LastModified, stateWrittenAt))
            {
                // What the state adds is what a listing cannot show: the headers sent, and the delete grace period.
                baseline[remote.Key] = recorded with { LastWriteTicks = 0, Md5 = md5, Sha256 = null, ETag = etag, Xxh128 = xxh };
                trusted++;
                continue;
            }

            if (proven)
            {
                toHead.Add((remote.Key, file!));
            }

            baseline[remote.Key] = new SnapshotEntry { Size = remote.Size, ETag = etag, Md5 = md5, Xxh128 = xxh };
        }

        await Parallel.ForEachAsync(toHead,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var headers = await store.HeadAsync(item.Key, ct).ConfigureAwait(false);
                if (headers is not null && headers.VisibleHeadersEqual(item.File.Headers))
                {
                    // Equivalent is equal: the intended headers are recorded. The ACL is not visible on HEAD; it is
                    // taken as intended, as the AWS CLI does.
                    headers = item.File.Headers;
                }

                lock (baseline)
                {
                    baseline[item.Key] = baseline[item.Key] with { Headers = headers };
                }
            }).ConfigureAwait(false);

        return new Result(baseline, listing.Count, trusted, toHead.Count);
    }

    /// <summary>
    /// Changed after the state was written (by a later sync whose state write failed, or by someone else): the state
    /// cannot vouch for its headers. Compared in whole seconds: HTTP dates, and so the state's time, have no more.
    /// </summary>
    private static bool ModifiedAfter(DateTimeOffset? objectModified, DateTimeOffset? stateWritten) =>
        objectModified is { } o && stateWritten is { } s && o.ToUnixTimeSeconds() > s.ToUnixTimeSeconds();

    private static async Task<bool> ContentMatchesAsync(string etag, LocalFile file, CancellationToken cancellationToken)
    {
        if (etag == file.Digest!.Md5 || etag == file.Digest.ETag)
        {
            return true;
        }

        if (!S3ETag.IsMultipart(etag))
        {
            return false;
        }

        // Uploaded in parts by another tool: try the part sizes it may have used.
        foreach (var partSize in S3ETag.CandidatePartSizes(file.Size, S3ETag.PartCount(etag)))
        {
            var digest = await ContentHasher.HashFileAsync(file.FullPath, partSize, 0, cancellationToken).ConfigureAwait(false);
            if (digest.ETag == etag)
            {
                return true;
            }
        }

        return false;
    }
}
