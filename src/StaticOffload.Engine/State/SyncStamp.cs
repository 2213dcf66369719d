using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using StaticOffload.Planning;
using StaticOffload.Sync;

namespace StaticOffload.State;

/// <summary>
/// A fingerprint of everything a sync decides from (destination, options, and each file's key, path, size, mtime
/// and headers), written next to the snapshot after a run that completed and left nothing pending. When the next
/// run, by the same build of the engine, has the same fingerprint, nothing it could act on has changed: it reports
/// every file unchanged without reading the snapshot, which for 10,000 files was most of a no-change sync.
/// </summary>
/// <remarks>
/// The stamp names the snapshot it was written with (its size and mtime), so a snapshot written since (by a
/// checkpoint, a crashed run, another version) voids it. A run that takes the full path deletes the stamp before it
/// changes anything, and writes a new one only if it ends clean. Grace-period deletions that fall due with time
/// never get a stamp: the full path must run to see them.
/// </remarks>
public static class SyncStamp
{
    private const string Format = "staticoffload-stamp-1";

    private static readonly string EngineBuild = typeof(SyncStamp).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    public static string PathFor(string snapshotPath) => snapshotPath + ".stamp";

    /// <summary>Files hashed as one unit, on any core; a fixed count, so the fingerprint does not depend on the machine.</summary>
    private const int FilesPerChunk = 4096;

    public static string Compute(SyncRequest request, string destination, IReadOnlyList<LocalFile> files)
    {
        var hash = new XxHash128();
        Add(hash, Format);
        // This build of the engine: after an upgrade, whatever it decides differently is decided once in full.
        Add(hash, EngineBuild);
        Add(hash, destination);
        Add(hash, request.DeleteRemoved);
        Add(hash, request.MaxDeletes);
        Add(hash, request.DeleteAfterDeploys);
        Add(hash, request.DeleteAfterAge.Ticks);
        Add(hash, request.AllowShrink);
        Add(hash, request.AllowRootDelete);
        Add(hash, request.RemoteState);
        Add(hash, request.EffectiveStateKey);
        Add(hash, request.Destination.StateBucket ?? "");
        Add(hash, files.Count);
        // The files in chunks hashed side by side (a no-change publish of 100,000 files is little more than this and
        // the stat calls), then the chunks' hashes in order.
        var chunks = (files.Count + FilesPerChunk - 1) / FilesPerChunk;
        var digests = new byte[chunks * 16];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks > 1 ? Environment.ProcessorCount : 1 },
            chunk => HashChunk(files, chunk * FilesPerChunk, Math.Min(files.Count, (chunk + 1) * FilesPerChunk), digests.AsSpan(chunk * 16, 16)));
        hash.Append(digests);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    // Once over every file of a build: optimized up front (see LocalInventory.StatRange).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void HashChunk(IReadOnlyList<LocalFile> files, int from, int to, Span<byte> digest)
    {
        var hash = new XxHash128();
        // One file's fields, length-prefixed so ("ab", "c") and ("a", "bc") differ and null differs from "": one
        // Append per file, not one per field.
        var fields = new System.Buffers.ArrayBufferWriter<byte>(512);
        for (var i = from; i < to; i++)
        {
            var file = files[i];
            fields.ResetWrittenCount();
            Write(fields, file.Key);
            Write(fields, file.FullPath);
            Write(fields, file.Size);
            Write(fields, file.LastWriteTicks);
            Write(fields, file.EntryFile ? 1L : 0L);
            var h = file.Headers;
            Write(fields, h.ContentType);
            Write(fields, h.CacheControl);
            Write(fields, h.ContentEncoding);
            Write(fields, h.StorageClass);
            Write(fields, h.Acl);
            Write(fields, h.RedirectLocation);
            hash.Append(fields.WrittenSpan);
        }

        hash.GetCurrentHash(digest);
    }

    private static void Write(System.Buffers.ArrayBufferWriter<byte> fields, string? value)
    {
        if (value is null)
        {
            Write(fields, -1L);
            return;
        }

        var span = fields.GetSpan(8 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(span, length);
        fields.Advance(8 + length);
    }

    private static void Write(System.Buffers.ArrayBufferWriter<byte> fields, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(fields.GetSpan(8), value);
        fields.Advance(8);
    }

    /// <summary>Whether a stamp with this fingerprint was written with the snapshot as it is now.</summary>
    public static bool Matches(string snapshotPath, string fingerprint)
    {
        try
        {
            var stamp = File.ReadAllText(PathFor(snapshotPath)).Split(' ', StringSplitOptions.TrimEntries);
            var snapshot = new FileInfo(snapshotPath);
            return stamp.Length == 4 && stamp[0] == Format && stamp[1] == fingerprint && snapshot.Exists
                   && stamp[2] == snapshot.Length.ToString(CultureInfo.InvariantCulture)
                   && stamp[3] == snapshot.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stamps the snapshot as it is now on disk. Best effort: without a stamp the next run takes the full path.</summary>
    public static void Write(string snapshotPath, string fingerprint)
    {
        try
        {
            var snapshot = new FileInfo(snapshotPath);
            if (!snapshot.Exists)
            {
                return;
            }

            File.WriteAllText(PathFor(snapshotPath), string.Create(CultureInfo.InvariantCulture,
                $"{Format} {fingerprint} {snapshot.Length} {snapshot.LastWriteTimeUtc.Ticks}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Delete(snapshotPath);
        }
    }

    public static void Delete(string snapshotPath)
    {
        try
        {
            File.Delete(PathFor(snapshotPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale stamp is still voided by the snapshot's new size or mtime.
        }
    }

    // Length-prefixed, so ("ab", "c") and ("a", "bc") differ; null differs from "".
    private static void Add(XxHash128 hash, string? value)
    {
        if (value is null)
        {
            Add(hash, -1L);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Add(hash, (long)bytes.Length);
        hash.Append(bytes);
    }

    private static void Add(XxHash128 hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.Append(buffer);
    }

    private static void Add(XxHash128 hash, bool value) => Add(hash, value ? 1L : 0L);
}
