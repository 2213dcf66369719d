using StaticOffload.Planning;
using StaticOffload.Snapshot;

namespace StaticOffload.Baseline;

/// <summary>
/// Before the plan: a new key is not hashed (it is uploaded whatever its content), unless the bucket holds an object of
/// the same size whose content is known and the store can copy it. Those files are hashed here, so the planner can
/// make a moved, renamed or duplicated file by a server-side copy instead of an upload, and the plan says so.
/// </summary>
public static class CopyCandidates
{
    public static async Task<IReadOnlyCollection<LocalFile>> HashAsync(IReadOnlyCollection<LocalFile> local,
        IReadOnlyDictionary<string, SnapshotEntry> remote, StoreCapabilities store, bool force, CancellationToken cancellationToken)
    {
        if (force || !store.ServerSideCopy)
        {
            return local;
        }

        // Most deploys add no key: then there is nothing to look for among the bucket's objects.
        if (!local.Any(file => IsNew(file, remote)))
        {
            return local;
        }

        var sizes = remote.Values.Where(e => e.Size > 0 && SyncPlanner.KnownMd5(e) is not null && store.CanCopy(e.Size, e.ETag))
            .Select(e => e.Size).ToHashSet();
        if (sizes.Count == 0)
        {
            return local;
        }

        var files = new List<LocalFile>(local.Count);
        foreach (var file in local)
        {
            if (IsNew(file, remote) && sizes.Contains(file.Size))
            {
                try
                {
                    files.Add(file with { Digest = await store.Layout.HashFileAsync(file.FullPath, cancellationToken).ConfigureAwait(false) });
                    continue;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Uploaded as planned without it; the upload reads the file again and reports what fails.
                }
            }

            files.Add(file);
        }

        return files;
    }

    /// <summary>A file not hashed yet whose key the bucket does not hold.</summary>
    private static bool IsNew(LocalFile file, IReadOnlyDictionary<string, SnapshotEntry> remote) =>
        file.Digest is null && file.FullPath.Length > 0 && !remote.ContainsKey(file.Key);
}
