using StaticOffload.Diagnostics;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Storage.S3;

namespace StaticOffload.Sync;

/// <summary>
/// Reads the local side: size and mtime of every file, and its digests — taken from the snapshot when size and mtime
/// are unchanged, so a no-change publish reads no file content at all.
/// </summary>
public static class LocalInventory
{
    public static async Task<(IReadOnlyList<LocalFile> Files, IReadOnlyList<Diagnostic> Errors, int Hashed)> TakeAsync(
        IReadOnlyList<SyncFile> files, string prefix, IReadOnlyDictionary<string, SnapshotEntry>? snapshot,
        CancellationToken cancellationToken)
    {
        var results = new LocalFile?[files.Count];
        var errors = new List<Diagnostic>();
        var hashed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var file = files[i];
                var key = prefix + file.RelativePath;
                if (file.IsRedirect)
                {
                    results[i] = new LocalFile(key, "", 0, 0, ContentHasher.Empty, file.Headers, file.EntryFile);
                    return;
                }

                try
                {
                    var info = new FileInfo(file.FullPath);
                    if (!info.Exists)
                    {
                        throw new FileNotFoundException("The file does not exist.", file.FullPath);
                    }

                    var ticks = info.LastWriteTimeUtc.Ticks;
                    ContentDigest digest;
                    if (snapshot is not null && snapshot.TryGetValue(key, out var entry) && entry.Size == info.Length
                        && entry.LastWriteTicks == ticks && entry.Md5 is not null && entry.Sha256 is not null)
                    {
                        digest = new ContentDigest(entry.Size, entry.Md5, entry.Sha256, S3ETag.Normalize(entry.ETag));
                    }
                    else
                    {
                        digest = await ContentHasher.HashFileAsync(file.FullPath, S3ObjectStore.PartSize,
                            S3ObjectStore.MultipartThreshold, ct).ConfigureAwait(false);
                        Interlocked.Increment(ref hashed);
                    }

                    results[i] = new LocalFile(key, file.FullPath, digest.Size, ticks, digest, file.Headers, file.EntryFile);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    lock (errors)
                    {
                        errors.Add(Diagnostic.Error(DiagnosticCodes.FileUnreadable,
                            $"Cannot read '{file.FullPath}' ({ex.Message}). Check that it exists and is readable, or exclude it with a StaticOffloadRule that sets Exclude=\"true\". Nothing was changed in the bucket.",
                            file.FullPath));
                    }
                }
            }).ConfigureAwait(false);

        return (results.Where(r => r is not null).ToArray()!, errors, hashed);
    }
}
