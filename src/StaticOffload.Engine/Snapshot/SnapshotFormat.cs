using System.Text.Json;
using StaticOffload.Rules;

namespace StaticOffload.Snapshot;

/// <summary>
/// The local snapshot file, written and read by hand over Utf8JsonWriter/Utf8JsonReader: with 100,000 files it is
/// read and written on every run that changes something, so it is kept small (about 130 bytes per file) and cheap.
/// <code>
/// {"version":2,"destination":"s3://b/p/","updatedAt":"…","deploys":3,"remoteStateSha256":"…",
///  "headers":[{"contentType":"text/css","cacheControl":"public, max-age=3600"}, …],
///  "entries":{"p/site.css":{"s":1234,"t":638…,"x":"&lt;xxh128&gt;","eTag":"&lt;etag&gt;","h":0}, …}}
/// </code>
/// Per entry: <c>s</c> size, <c>t</c> mtime ticks, <c>x</c> XXH128, <c>m</c> MD5 where known, <c>eTag</c> (left out when
/// it is the MD5), <c>sha256</c> (large files), <c>h</c> index into <c>headers</c>, <c>v</c> the version id (versioned
/// buckets), <c>e</c> true for an entry file, <c>removedAt</c>/<c>removedAtDeploy</c>
/// (delete grace). The reader also takes format 1 (every field spelt out, headers inline), so an upgrade keeps the
/// snapshot of the version before.
/// </summary>
internal static class SnapshotFormat
{
    public static void Write(Stream stream, SyncSnapshot snapshot)
    {
        var headerIndex = new Dictionary<ObjectHeaders, int>();
        var headerTable = new List<ObjectHeaders>();
        foreach (var entry in snapshot.Entries.Values)
        {
            if (entry.Headers is { } h && headerIndex.TryAdd(h, headerTable.Count))
            {
                headerTable.Add(h);
            }
        }

        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteNumber("version", snapshot.Version);
        writer.WriteString("destination", snapshot.Destination);
        writer.WriteString("updatedAt", snapshot.UpdatedAt);
        writer.WriteNumber("deploys", snapshot.Deploys);
        if (snapshot.RemoteStateSha256 is not null)
        {
            writer.WriteString("remoteStateSha256", snapshot.RemoteStateSha256);
        }

        WriteIfSet(writer, "remoteStateETag", snapshot.RemoteStateETag);

        writer.WriteStartArray("headers");
        foreach (var h in headerTable)
        {
            writer.WriteStartObject();
            writer.WriteString("contentType", h.ContentType);
            WriteIfSet(writer, "cacheControl", h.CacheControl);
            WriteIfSet(writer, "contentEncoding", h.ContentEncoding);
            WriteIfSet(writer, "storageClass", h.StorageClass);
            WriteIfSet(writer, "acl", h.Acl);
            WriteIfSet(writer, "redirectLocation", h.RedirectLocation);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("entries");
        foreach (var (key, e) in snapshot.Entries)
        {
            writer.WriteStartObject(key);
            writer.WriteNumber("s", e.Size);
            if (e.LastWriteTicks != 0)
            {
                writer.WriteNumber("t", e.LastWriteTicks);
            }

            WriteIfSet(writer, "x", e.Xxh128);
            WriteIfSet(writer, "m", e.Md5);
            if (e.Md5 is null || !string.Equals(e.Md5, e.ETag, StringComparison.Ordinal))
            {
                writer.WriteString("eTag", e.ETag);
            }

            WriteIfSet(writer, "sha256", e.Sha256);
            if (e.Headers is { } h)
            {
                writer.WriteNumber("h", headerIndex[h]);
            }

            if (e.RemovedAt is { } removedAt)
            {
                writer.WriteString("removedAt", removedAt);
            }

            if (e.RemovedAtDeploy is { } removedAtDeploy)
            {
                writer.WriteNumber("removedAtDeploy", removedAtDeploy);
            }

            WriteIfSet(writer, "v", e.VersionId);
            if (e.EntryFile == true)
            {
                writer.WriteBoolean("e", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>The snapshot in the file, of whatever version it says it is (the caller checks that).</summary>
    /// <exception cref="JsonException">Not a snapshot: malformed JSON, or a shape or value no version writes.</exception>
    public static SyncSnapshot Read(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Expect(ref reader, JsonTokenType.StartObject);
        int? version = null;
        string? destination = null;
        DateTimeOffset updatedAt = default;
        var deploys = 0;
        string? remoteStateSha256 = null;
        string? remoteStateETag = null;
        List<ObjectHeaders>? headers = null;
        List<(string Key, RawEntry Entry)>? entries = null;
        var entriesNull = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "version": version = reader.GetInt32(); break;
                case "destination": destination = StringOrNull(ref reader); break;
                case "updatedAt": updatedAt = reader.GetDateTimeOffset(); break;
                case "deploys": deploys = reader.GetInt32(); break;
                case "remoteStateSha256": remoteStateSha256 = StringOrNull(ref reader); break;
                case "remoteStateETag": remoteStateETag = StringOrNull(ref reader); break;
                case "headers": headers = ReadHeaderTable(ref reader); break;
                case "entries":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        entriesNull = true;
                        break;
                    }

                    entries = ReadEntries(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("The snapshot does not end where its object ends.");
        }

        var result = new Dictionary<string, SnapshotEntry>(entries?.Count ?? 0, StringComparer.Ordinal);
        if (entries is not null)
        {
            foreach (var (key, raw) in entries)
            {
                result[key] = raw.ToEntry(headers, key);
            }
        }

        return new SyncSnapshot
        {
            Version = version ?? 0,
            Destination = destination ?? "",
            UpdatedAt = updatedAt,
            Deploys = deploys,
            RemoteStateSha256 = remoteStateSha256,
            RemoteStateETag = remoteStateETag,
            Entries = entriesNull || entries is null ? null! : result,
        };
    }

    private static List<ObjectHeaders> ReadHeaderTable(ref Utf8JsonReader reader)
    {
        var table = new List<ObjectHeaders>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("The snapshot's header table is not an array.");
        }

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            table.Add(ReadHeaders(ref reader));
        }

        return table;
    }

    private static ObjectHeaders ReadHeaders(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A header set in the snapshot is not an object.");
        }

        string? contentType = null, cacheControl = null, contentEncoding = null, storageClass = null, acl = null, redirect = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.Null ? null : reader.TokenType == JsonTokenType.String ? reader.GetString() : Skip(ref reader);
            switch (name)
            {
                case "contentType": contentType = value; break;
                case "cacheControl": cacheControl = value; break;
                case "contentEncoding": contentEncoding = value; break;
                case "storageClass": storageClass = value; break;
                case "acl": acl = value; break;
                case "redirectLocation": redirect = value; break;
            }
        }

        return new ObjectHeaders(contentType ?? throw new JsonException("A header set in the snapshot has no contentType."),
            cacheControl, contentEncoding, storageClass, acl, redirect);
    }

    private static List<(string, RawEntry)> ReadEntries(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The snapshot's entries are not an object.");
        }

        var entries = new List<(string, RawEntry)>();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"The snapshot's entry for '{key}' is not an object.");
            }

            var raw = new RawEntry();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                switch (name)
                {
                    case "s" or "size": raw.Size = reader.GetInt64(); break;
                    case "t" or "lastWriteTicks": raw.LastWriteTicks = reader.GetInt64(); break;
                    case "x" or "xxh128": raw.Xxh128 = reader.GetString(); break;
                    case "m" or "md5": raw.Md5 = reader.GetString(); break;
                    case "eTag": raw.ETag = reader.GetString(); break;
                    case "sha256": raw.Sha256 = reader.GetString(); break;
                    case "h": raw.HeaderIndex = reader.GetInt32(); break;
                    case "headers": raw.Headers = ReadHeaders(ref reader); break;
                    case "removedAt": raw.RemovedAt = reader.GetDateTimeOffset(); break;
                    case "removedAtDeploy": raw.RemovedAtDeploy = reader.GetInt32(); break;
                    case "v" or "versionId": raw.VersionId = reader.GetString(); break;
                    case "e" or "entryFile": raw.EntryFile = reader.GetBoolean() ? true : null; break;
                    default: reader.Skip(); break;
                }
            }

            entries.Add((key, raw));
        }

        return entries;
    }

    private static string? StringOrNull(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null : reader.GetString();

    private static string? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The snapshot ends early.");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"The snapshot is not a JSON object (found {reader.TokenType}).");
        }
    }

    private sealed class RawEntry
    {
        public long Size;
        public long LastWriteTicks;
        public string? Xxh128;
        public string? Md5;
        public string? ETag;
        public string? Sha256;
        public int? HeaderIndex;
        public ObjectHeaders? Headers;
        public DateTimeOffset? RemovedAt;
        public int? RemovedAtDeploy;
        public string? VersionId;
        public bool? EntryFile;

        public SnapshotEntry ToEntry(List<ObjectHeaders>? table, string key)
        {
            var headers = Headers;
            if (HeaderIndex is { } index)
            {
                headers = table is not null && index >= 0 && index < table.Count
                    ? table[index]
                    : throw new JsonException($"The snapshot's entry for '{key}' names header set {index}, which it does not have.");
            }

            return new SnapshotEntry
            {
                Size = Size,
                LastWriteTicks = LastWriteTicks,
                Xxh128 = Xxh128,
                Md5 = Md5,
                Sha256 = Sha256,
                // Left out of the file where it is the MD5.
                ETag = ETag ?? Md5 ?? "",
                Headers = headers,
                RemovedAt = RemovedAt,
                RemovedAtDeploy = RemovedAtDeploy,
                VersionId = VersionId,
                EntryFile = EntryFile,
            };
        }
    }
}
