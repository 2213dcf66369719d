using StaticOffload.Diagnostics;
using StaticOffload.Files;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Sync;

namespace StaticOffload.Baseline;

/// <summary>
/// Reads the local side in steps. <see cref="Stat"/>: size and mtime of every file. <see cref="Scan"/>: digests from
/// the snapshot where both are unchanged, so a no-change publish reads no file content at all. <see cref="CompleteAsync"/>:
/// digests of the other files, but only where a digest decides something — a key the bucket already has. A key it
/// does not have is uploaded whatever its content is, and is hashed from the bytes the upload reads anyway.
/// </summary>
public static class LocalInventory
{
    /// <summary>The files with what is known of them; <see cref="Stale"/> are the indexes still without a digest.</summary>
    public sealed record ScanResult(LocalFile[] Files, IReadOnlyList<int> Stale);

    /// <summary>From this many files on, they are stated on every core: 100,000 stat calls take 0.25 s on one.</summary>
    private const int ParallelStatThreshold = 8192;

    /// <summary>Size and mtime of every file (no digest yet), in request order; redirects are empty objects.</summary>
    public static (LocalFile[] Files, IReadOnlyList<Diagnostic> Errors) Stat(IReadOnlyList<SyncFile> files, string prefix)
    {
        var results = new LocalFile[files.Count];
        var failures = new Diagnostic?[files.Count];
        if (files.Count < ParallelStatThreshold || Environment.ProcessorCount == 1)
        {
            // Below that, a parallel loop costs more than the stat calls it shares out.
            StatRange(files, prefix, results, failures, 0, files.Count);
        }
        else
        {
            var chunk = Math.Max(1024, files.Count / (Environment.ProcessorCount * 4));
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, files.Count, chunk),
                range => StatRange(files, prefix, results, failures, range.Item1, range.Item2));
        }

        return (results, failures.OfType<Diagnostic>().ToArray());
    }

    // A task runs in a fresh MSBuild process, where the JIT would first compile this loop unoptimized (tier 0) and
    // replace it only after thousands of iterations: for the few loops that run once over every file of a build
    // (this one, FileSelector.Select, LinkGuard.Filter, SyncStamp.Compute,
    // SyncRequestBuilder.ToSyncFiles), full optimization up front is cheaper.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void StatRange(IReadOnlyList<SyncFile> files, string prefix, LocalFile[] results, Diagnostic?[] failures, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var file = files[i];
            var key = prefix + file.RelativePath;
            if (file.IsRedirect)
            {
                results[i] = new LocalFile(key, "", 0, 0, ContentHasher.Empty, file.Headers, file.EntryFile);
                continue;
            }

            try
            {
                var info = new FileInfo(file.FullPath);
                if (!info.Exists)
                {
                    throw new FileNotFoundException("The file does not exist.", file.FullPath);
                }

                results[i] = new LocalFile(key, file.FullPath, info.Length, info.LastWriteTimeUtc.Ticks, null, file.Headers, file.EntryFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures[i] = Messages.FileUnreadable(file.FullPath, ex);
            }
        }
    }

    /// <summary>
    /// Takes each digest from the snapshot where size and mtime are unchanged; the other files are stale.
    /// </summary>
    /// <param name="stated">What <see cref="Stat"/> returned, without errors.</param>
    public static ScanResult Scan(LocalFile[] stated, IReadOnlyDictionary<string, SnapshotEntry>? snapshot, UploadLayout layout)
    {
        var results = new LocalFile[stated.Length];
        var stale = new List<int>();
        for (var i = 0; i < stated.Length; i++)
        {
            var file = stated[i];
            results[i] = file;
            if (file.Digest is not null)
            {
                continue;
            }

            if (snapshot is not null && snapshot.TryGetValue(file.Key, out var entry) && entry.Size == file.Size
                && entry.LastWriteTicks == file.LastWriteTicks && (entry.Xxh128 is not null || entry.Md5 is not null))
            {
                results[i] = file with
                {
                    Digest = new ContentDigest(entry.Size, entry.Md5, entry.Sha256,
                        entry.Md5 is null ? null : LocalETag(entry, layout), entry.Xxh128),
                };
                continue;
            }

            stale.Add(i);
        }

        return new ScanResult(results, stale);
    }

    /// <summary>
    /// Opens each of these files: one that cannot be read must stop the sync before anything in the bucket changes,
    /// not first when its turn to upload comes (as when every file was hashed up front). Files are only opened, not
    /// read; those without a path (redirects) are skipped.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Unreadable(LocalFile[] files, IReadOnlyList<int> indexes)
    {
        var errors = new List<(int Index, Diagnostic Error)>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = indexes.Count > 64 ? Environment.ProcessorCount : 1 };
        Parallel.For(0, indexes.Count, parallel, i =>
        {
            var path = files[indexes[i]].FullPath;
            if (path.Length == 0)
            {
                return;
            }

            try
            {
                using (File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (errors)
                {
                    errors.Add((indexes[i], Messages.FileUnreadable(path, ex)));
                }
            }
        });

        // In request order, whatever order the threads met them in.
        return errors.OrderBy(e => e.Index).Select(e => e.Error).ToArray();
    }

    /// <summary>
    /// The ETag the file's bytes have when we upload them, from what the snapshot recorded of them. Below the multipart
    /// threshold it is the MD5 itself; the ETag recorded is the bucket's, and is taken only in the multipart form our
    /// own upload gives this size: a record never vouches that a local file has some object's ETag.
    /// </summary>
    private static string LocalETag(SnapshotEntry entry, UploadLayout layout)
    {
        if (!layout.IsMultipart(entry.Size))
        {
            return entry.Md5!;
        }

        var etag = S3ETag.Normalize(entry.ETag);
        return S3ETag.IsMultipart(etag) && S3ETag.PartCount(etag) == layout.PartCount(entry.Size) ? etag : entry.Md5!;
    }

    /// <summary>
    /// Hashes each file for the digests <paramref name="needs"/> names that it does not have yet (XXH128 always comes
    /// along: it is what the next run compares), in parallel on every core, one synchronous read per file. A file
    /// whose key is new to the bucket needs none: it is uploaded whatever it holds, and hashed from that read.
    /// </summary>
    public static async Task<(IReadOnlyList<LocalFile> Files, IReadOnlyList<Diagnostic> Errors, int Hashed)> CompleteAsync(
        ScanResult scan, Func<LocalFile, DigestKinds> needs, UploadLayout layout, CancellationToken cancellationToken)
    {
        var files = scan.Files;
        var errors = new List<Diagnostic>();
        var hashed = 0;
        var work = new List<(int Index, DigestKinds Kinds)>();
        for (var i = 0; i < files.Length; i++)
        {
            var file = files[i];
            if (file.FullPath.Length == 0)
            {
                continue;
            }

            var missing = needs(file) & ~(file.Digest?.Kinds ?? DigestKinds.None);
            if (missing != DigestKinds.None)
            {
                work.Add((i, missing | DigestKinds.Xxh128));
            }
        }

        if (work.Count == 0)
        {
            return (files, errors, 0);
        }

        await Task.Run(() => Parallel.For(0, work.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            w =>
            {
                var (i, kinds) = work[w];
                try
                {
                    Hash(files, i, kinds, layout, cancellationToken);
                    Interlocked.Increment(ref hashed);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    lock (errors)
                    {
                        errors.Add(Messages.FileUnreadable(files[i].FullPath, ex));
                    }
                }
            }), cancellationToken).ConfigureAwait(false);

        return (files, errors, hashed);
    }

    /// <summary>
    /// Reads file <paramref name="index"/> once for <paramref name="kinds"/> and records the digests. Throws what the
    /// read throws (an <see cref="IOException"/> for a file that cannot be read).
    /// </summary>
    public static void Hash(LocalFile[] files, int index, DigestKinds kinds, UploadLayout layout, CancellationToken cancellationToken)
    {
        var file = files[index];
        var digest = layout.HashFile(file.FullPath, kinds, cancellationToken);
        // What the snapshot knew of the same bytes still holds; a file that changed size was rehashed whole.
        files[index] = file with
        {
            Size = digest.Size,
            Digest = file.Digest is { } known && known.Size == digest.Size ? digest.With(known) : digest,
        };
    }
}
