using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StaticOffload.Snapshot;

/// <summary>
/// A copy of the snapshot kept in the bucket itself, below the prefix at <see cref="Folder"/>, so a fresh CI agent
/// (no obj/, every mtime new) knows the headers and content hashes of what is there without a HEAD per object.
/// It holds only what is true of the bucket: local file times stay in the local snapshot.
/// </summary>
public static class RemoteState
{
    /// <summary>Reserved folder below the prefix. Never synced, never deleted, never public.</summary>
    public const string Folder = ".staticoffload/";

    public static string Key(string prefix) => prefix + Folder + "state.json.gz";

    public static bool IsReserved(string prefix, string key) =>
        key.StartsWith(prefix + Folder, StringComparison.Ordinal);

    /// <summary>
    /// Serialized deterministically (keys in ordinal order), so an unchanged state has an unchanged hash, and
    /// gzipped: it is written on every deploy that changes something, and 100,000 keys of JSON would be 25 MB.
    /// Only what a listing cannot tell is kept: the SHA-256 is on each object already (x-amz-meta-sha256), and the
    /// MD5 only where the ETag is not the MD5 (multipart uploads).
    /// </summary>
    public static byte[] Serialize(SyncSnapshot snapshot)
    {
        var entries = new SortedDictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        foreach (var (key, entry) in snapshot.Entries)
        {
            entries[key] = entry with
            {
                LastWriteTicks = 0,
                Sha256 = null,
                Md5 = entry.Md5 == entry.ETag ? null : entry.Md5,
            };
        }

        var state = new StateDocument(SyncSnapshot.CurrentVersion, snapshot.Destination, snapshot.Deploys, entries);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, state, RemoteStateJsonContext.Default.StateDocument);
        }

        return compressed.ToArray();
    }

    /// <summary>The state, or null when it is unreadable or of another format version (then it is not trusted).</summary>
    public static SyncSnapshot? Deserialize(byte[] body)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            var state = JsonSerializer.Deserialize(gzip, RemoteStateJsonContext.Default.StateDocument);
            if (state is null || state.Version != SyncSnapshot.CurrentVersion || state.Entries is null
                || state.Entries.Values.Any(e => e is null))
            {
                return null;
            }

            return new SyncSnapshot
            {
                Destination = state.Destination ?? "",
                Deploys = state.Deploys,
                Entries = new Dictionary<string, SnapshotEntry>(state.Entries, StringComparer.Ordinal),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            return null;
        }
    }

    public static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    internal sealed record StateDocument(
        int Version,
        string? Destination,
        int Deploys,
        SortedDictionary<string, SnapshotEntry>? Entries);
}
