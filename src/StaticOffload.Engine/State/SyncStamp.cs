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

    // Once over every file of a build: optimized up front (see LocalInventory.Stat).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
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
        foreach (var file in files)
        {
            Add(hash, file.Key);
            Add(hash, file.FullPath);
            Add(hash, file.Size);
            Add(hash, file.LastWriteTicks);
            Add(hash, file.EntryFile);
            var h = file.Headers;
            Add(hash, h.ContentType);
            Add(hash, h.CacheControl);
            Add(hash, h.ContentEncoding);
            Add(hash, h.StorageClass);
            Add(hash, h.Acl);
            Add(hash, h.RedirectLocation);
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
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
