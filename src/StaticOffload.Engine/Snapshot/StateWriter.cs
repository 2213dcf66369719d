using System.Runtime.CompilerServices;
using System.Text.Json;

namespace StaticOffload.Snapshot;

/// <summary>
/// The state document as JSON: the same properties, in the same order, with the same names and the same omissions
/// as <see cref="RemoteStateJsonContext"/> writes <see cref="RemoteState.StateDocument"/> (camelCase, default values
/// left out), for the entries <see cref="RemoteState"/> keeps.
/// </summary>
internal static class StateWriter
{
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Destination = JsonEncodedText.Encode("destination");
    private static readonly JsonEncodedText Deploys = JsonEncodedText.Encode("deploys");
    private static readonly JsonEncodedText Entries = JsonEncodedText.Encode("entries");
    private static readonly JsonEncodedText Size = JsonEncodedText.Encode("size");
    private static readonly JsonEncodedText ETag = JsonEncodedText.Encode("eTag");
    private static readonly JsonEncodedText Headers = JsonEncodedText.Encode("headers");
    private static readonly JsonEncodedText ContentType = JsonEncodedText.Encode("contentType");
    private static readonly JsonEncodedText CacheControl = JsonEncodedText.Encode("cacheControl");
    private static readonly JsonEncodedText ContentEncoding = JsonEncodedText.Encode("contentEncoding");
    private static readonly JsonEncodedText StorageClass = JsonEncodedText.Encode("storageClass");
    private static readonly JsonEncodedText Acl = JsonEncodedText.Encode("acl");
    private static readonly JsonEncodedText RedirectLocation = JsonEncodedText.Encode("redirectLocation");
    private static readonly JsonEncodedText Immutable = JsonEncodedText.Encode("immutable");
    private static readonly JsonEncodedText RemovedAt = JsonEncodedText.Encode("removedAt");
    private static readonly JsonEncodedText RemovedAtDeploy = JsonEncodedText.Encode("removedAtDeploy");
    private static readonly JsonEncodedText VersionId = JsonEncodedText.Encode("versionId");
    private static readonly JsonEncodedText EntryFile = JsonEncodedText.Encode("entryFile");

    /// <summary>Bytes held before they go on to the stream (gzip), as the serializer flushes too.</summary>
    private const int FlushAt = 64 * 1024;

    /// <param name="keys">The keys of <paramref name="snapshot"/>'s entries in the order to write them.</param>
    // Once over every entry of a deploy: optimized up front (see LocalInventory.StatRange).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(Utf8JsonWriter json, int version, SyncSnapshot snapshot, string[] keys)
    {
        json.WriteStartObject();
        if (version != 0)
        {
            json.WriteNumber(Version, version);
        }

        WriteIfSet(json, Destination, snapshot.Destination);
        if (snapshot.Deploys != 0)
        {
            json.WriteNumber(Deploys, snapshot.Deploys);
        }

        json.WriteStartObject(Entries);
        foreach (var key in keys)
        {
            json.WritePropertyName(key);
            WriteEntry(json, snapshot.Entries[key]);
            if (json.BytesPending > FlushAt)
            {
                json.Flush();
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>An entry as the state keeps it: no file time, no content hash (they are never written).</summary>
    private static void WriteEntry(Utf8JsonWriter json, SnapshotEntry entry)
    {
        json.WriteStartObject();
        if (entry.Size != 0)
        {
            json.WriteNumber(Size, entry.Size);
        }

        WriteIfSet(json, ETag, entry.ETag);
        if (entry.Headers is { } headers)
        {
            json.WriteStartObject(Headers);
            WriteIfSet(json, ContentType, headers.ContentType);
            WriteIfSet(json, CacheControl, headers.CacheControl);
            WriteIfSet(json, ContentEncoding, headers.ContentEncoding);
            WriteIfSet(json, StorageClass, headers.StorageClass);
            WriteIfSet(json, Acl, headers.Acl);
            WriteIfSet(json, RedirectLocation, headers.RedirectLocation);
            if (headers.Immutable)
            {
                json.WriteBoolean(Immutable, true);
            }

            json.WriteEndObject();
        }

        if (entry.RemovedAt is { } removedAt)
        {
            json.WriteString(RemovedAt, removedAt);
        }

        if (entry.RemovedAtDeploy is { } removedAtDeploy)
        {
            json.WriteNumber(RemovedAtDeploy, removedAtDeploy);
        }

        WriteIfSet(json, VersionId, entry.VersionId);
        if (entry.EntryFile is { } entryFile)
        {
            json.WriteBoolean(EntryFile, entryFile);
        }

        json.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
