using StaticOffload.Hashing;
using StaticOffload.Keys;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Rollback;

/// <summary>A rollback's plan, and the keys whose recorded content the bucket no longer holds (then nothing is done).</summary>
public sealed record RollbackPlan(SyncPlan Plan, IReadOnlyList<string> Missing);

/// <summary>
/// Decides, per key, how to return the bucket to what a recorded deploy left: pure, like the sync planner. A key
/// that holds the recorded content and headers stays; any other key of the deploy is copied back server-side from the
/// recorded version (or, where none was recorded, the newest version with the recorded ETag; or, on a bucket without
/// versions, only if it is still live as recorded); a key this package put there since is deleted. In the deploy's
/// phase order: assets, then entry files, deletes last, so a restored page never points at an asset not yet back.
/// </summary>
public static class RollbackPlanner
{
    /// <param name="target">The manifest of the deploy to return to.</param>
    /// <param name="current">What the bucket holds now: the state's entries where the listing confirms them, else the listing's.</param>
    /// <param name="recorded">The keys this package recorded as its own (the current state): only those may be deleted.</param>
    /// <param name="versions">The bucket's versions, for entries recorded without a version id; empty when not listed.</param>
    public static RollbackPlan Plan(
        IReadOnlyDictionary<string, SnapshotEntry> target,
        IReadOnlyDictionary<string, SnapshotEntry> current,
        IReadOnlySet<string> recorded,
        IReadOnlyList<ObjectVersion> versions,
        string prefix)
    {
        var actions = new List<SyncAction>();
        var missing = new List<string>();
        var byETag = versions.Where(v => !v.IsDeleteMarker)
            .GroupBy(v => (v.Key, v.ETag))
            .ToDictionary(g => g.Key, g => g.First());
        foreach (var (key, wanted) in target)
        {
            var phase = wanted.EntryFile == true ? SyncPhase.EntryFiles
                : wanted.Headers?.Immutable == true ? SyncPhase.ImmutableAssets
                : SyncPhase.Assets;
            var etag = S3ETag.Normalize(wanted.ETag);
            current.TryGetValue(key, out var live);
            var sameContent = live is not null && S3ETag.Normalize(live.ETag) == etag && live.Size == wanted.Size;
            if (sameContent && (wanted.Headers is null || live!.Headers == wanted.Headers))
            {
                actions.Add(new SyncAction(SyncActionKind.Unchanged, SyncReason.Unchanged, phase, key, null, live));
                continue;
            }

            // The recorded version, else the newest with the recorded content (an object recorded before versions
            // were kept), else the live object itself when its content is the recorded one (only its headers differ).
            CopySource? source = wanted.VersionId is { } versionId ? new CopySource(key, versionId, etag)
                : byETag.TryGetValue((key, etag), out var version) ? new CopySource(key, version.VersionId, etag)
                : sameContent ? new CopySource(key, null, etag)
                : null;
            if (source is null)
            {
                missing.Add(key);
                continue;
            }

            actions.Add(new SyncAction(SyncActionKind.Copy, SyncReason.RolledBack, phase, key, null, live, Restore: new Restore(source, wanted, ReplaceHeaders: source.VersionId is null)));
        }

        foreach (var (key, live) in current)
        {
            if (!target.ContainsKey(key) && recorded.Contains(key) && ObjectKeys.IsManaged(prefix, key))
            {
                actions.Add(new SyncAction(SyncActionKind.Delete, SyncReason.RolledBack, SyncPhase.Deletions, key, null, live));
            }
        }

        var ordered = actions.OrderBy(a => a.Phase).ThenBy(a => a.Key, StringComparer.Ordinal).ToArray();
        return new RollbackPlan(new SyncPlan(ordered), missing.Order(StringComparer.Ordinal).ToArray());
    }
}
