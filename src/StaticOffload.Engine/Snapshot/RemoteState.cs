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
    public static string Key(string prefix) => prefix + Keys.ObjectKeys.ReservedFolder + "state.json.gz";

    /// <summary>The state document's format; unchanged when the local snapshot's format moved on.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// Serialized deterministically (keys in ordinal order), so an unchanged state has an unchanged hash, and
    /// gzipped: it is written on every deploy that changes something, and 100,000 keys of JSON would be 25 MB.
    /// Only what a listing cannot tell is kept: no content hash (the SHA-256 is on each object already, as
    /// x-amz-meta-sha256, and a fresh clone proves content by the listing's ETag, never by a hash in the state).
    /// </summary>
    /// <remarks>
    /// Written by hand, byte for byte what the generated serializer of <see cref="StateDocument"/> writes (a test holds
    /// the two to it), and read back with that serializer: in a fresh build process the generated code ran
    /// unoptimized over every entry, 50 ms of a 10,000-file deploy's end.
    /// </remarks>
    public static byte[] Serialize(SyncSnapshot snapshot)
    {
        var keys = snapshot.Entries.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            StateWriter.Write(json, FormatVersion, snapshot, keys);
        }

        return compressed.ToArray();
    }

    /// <summary>What of an entry the state keeps.</summary>
    private static SnapshotEntry Kept(SnapshotEntry entry) => entry with
    {
        LastWriteTicks = 0,
        Sha256 = null,
        // Not kept: a hash read back from the bucket never decides that content is unchanged (the listing's ETag is
        // proven against the local bytes), and an MD5 known only after a fresh clone would make an unchanged state
        // look changed.
        Xxh128 = null,
        Md5 = null,
    };

    /// <summary>
    /// Whether <see cref="Serialize"/> would write exactly the document <paramref name="read"/> was read from (keys in
    /// ordinal order either way, so the same entries are the same bytes): after a fresh clone that changed nothing,
    /// this is known from comparing 100,000 entries, without serializing and compressing them (half a second) only to
    /// find the same hash.
    /// </summary>
    /// <param name="read">The state as <see cref="Read"/> returned it this run.</param>
    public static bool Unchanged(SyncSnapshot snapshot, SyncSnapshot read) =>
        snapshot.Deploys == read.Deploys && snapshot.Destination == read.Destination && snapshot.Entries.Count == read.Entries.Count
        && snapshot.Entries.All(e => read.Entries.TryGetValue(e.Key, out var recorded) && Kept(e.Value) == recorded);

    /// <summary>The largest state object downloaded (gzip). 100,000 keys take about 3 MB.</summary>
    public const long MaxCompressedBytes = 32L * 1024 * 1024;

    /// <summary>
    /// The most JSON a state may expand to (100,000 keys take about 25 MB), so a gzip bomb stops here; the reader may
    /// hold about twice this while it parses.
    /// </summary>
    public const long MaxJsonBytes = 64L * 1024 * 1024;

    /// <summary>Deploy counts beyond this are not a real history; the count must also leave room to add to it.</summary>
    private const int MaxDeploys = 1_000_000_000;

    /// <summary>The state, or null when it is unreadable or of another format version (then it is not trusted).</summary>
    public static SyncSnapshot? Deserialize(byte[] body) => Read(body, null, out _);

    /// <summary>
    /// Reads the state and checks it as the untrusted input it is (anyone who can write the bucket can write it):
    /// bounded decompression, the format version, every key one this sync manages below <paramref name="prefix"/>,
    /// and plausible values. Null, with the reason, when any of it fails: the caller then reconciles from the listing.
    /// </summary>
    /// <param name="prefix">The prefix the keys must be below; null skips the key checks.</param>
    /// <param name="location">"s3://bucket/prefix/" the state must be for; null skips that check.</param>
    public static SyncSnapshot? Read(byte[] body, string? prefix, out string? problem, string? location = null)
    {
        StateDocument? state;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var bounded = new BoundedReadStream(gzip, MaxJsonBytes);
            state = JsonSerializer.Deserialize(bounded, RemoteStateJsonContext.Default.StateDocument);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException)
        {
            problem = ex is InvalidDataException { Data: { } data } && data.Contains(BoundedReadStream.Marker)
                ? $"it expands to more than {MaxJsonBytes / (1024 * 1024)} MB"
                : $"it is not a gzipped JSON state document ({ex.GetType().Name})";
            return null;
        }

        problem = Check(state, prefix, location);
        if (problem is not null)
        {
            return null;
        }

        return new SyncSnapshot
        {
            Destination = state!.Destination ?? "",
            Deploys = state.Deploys,
            Entries = new Dictionary<string, SnapshotEntry>(state.Entries!, StringComparer.Ordinal),
        };
    }

    private static string? Check(StateDocument? state, string? prefix, string? location)
    {
        if (state is null || state.Entries is null)
        {
            return "it has no entries";
        }

        if (state.Version != FormatVersion)
        {
            return $"it has format version {state.Version}, this package reads {FormatVersion}";
        }

        if (state.Deploys is < 0 or > MaxDeploys)
        {
            return $"its deploy count {state.Deploys} is not plausible";
        }

        if (location is not null && !string.IsNullOrEmpty(state.Destination) && !ForLocation(state.Destination, location))
        {
            return $"it is the state of {state.Destination}, not of {location}";
        }

        foreach (var (key, entry) in state.Entries)
        {
            if (entry is null)
            {
                return $"the entry for '{Keys.ObjectKeys.Printable(key)}' is empty";
            }

            if (prefix is not null && !Keys.ObjectKeys.IsManaged(prefix, key))
            {
                return $"it names the key '{Keys.ObjectKeys.Printable(key)}', which is not one this sync manages below '{prefix}'";
            }

            if (EntryProblem(entry, state.Deploys) is { } entryProblem)
            {
                return $"the entry for '{Keys.ObjectKeys.Printable(key)}' {entryProblem}";
            }
        }

        return null;
    }

    private static string? EntryProblem(SnapshotEntry entry, int deploys)
    {
        if (entry.Size < 0)
        {
            return "has a negative size";
        }

        if (string.IsNullOrEmpty(entry.ETag) || entry.ETag.Length > 128 || !entry.ETag.All(c => c is > ' ' and < (char)127))
        {
            return "has no usable ETag";
        }

        if (entry.Md5 is not null && (entry.Md5.Length != 32 || !entry.Md5.All(char.IsAsciiHexDigit)))
        {
            return "has an MD5 that is not one";
        }

        if (entry.Headers is { } headers && string.IsNullOrWhiteSpace(headers.ContentType))
        {
            return "has headers without a Content-Type";
        }

        if (entry.RemovedAtDeploy is { } removedAt && (removedAt < 0 || removedAt > deploys + 1))
        {
            return $"was removed at deploy {removedAt}, after the last one ({deploys})";
        }

        return null;
    }

    /// <summary>The state's destination names the same bucket and prefix ("s3://b/p/", perhaps " at endpoint").</summary>
    private static bool ForLocation(string destination, string location)
    {
        var at = destination.IndexOf(" at ", StringComparison.Ordinal);
        return string.Equals(at < 0 ? destination : destination[..at], location, StringComparison.Ordinal);
    }

    public static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Reads at most a given number of bytes from a stream; past that, InvalidDataException.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit) : Stream
    {
        public const string Marker = "StaticOffload.BoundedReadStream";

        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                var ex = new InvalidDataException($"More than {limit} bytes.");
                ex.Data[Marker] = true;
                throw ex;
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal sealed record StateDocument(
        int Version,
        string? Destination,
        int Deploys,
        SortedDictionary<string, SnapshotEntry>? Entries);
}
