using StaticOffload.Rules;

namespace StaticOffload.Snapshot;

/// <summary>
/// What we believe one object in the bucket is, and which local file state it came from. Local fields (size, mtime)
/// let a no-change run skip reading the file; Xxh128/Md5/ETag say what the bucket holds; Headers what it was sent.
/// A content hash sits next to an ETag only where that pairing was proven (our upload, a checked copy, or the
/// listing's ETag matched against the local bytes).
/// </summary>
public sealed record SnapshotEntry
{
    /// <summary>
    /// From this size up an entry keeps the content's SHA-256: a header change (a copy that must restate
    /// x-amz-meta-sha256) then needs no read of a large file. Below it, re-reading the file costs less than keeping
    /// 70 bytes per entry in every snapshot.
    /// </summary>
    public const long Sha256KeptFrom = 1 << 20;

    public long Size { get; init; }

    /// <summary>UTC ticks of the local file's last write when it was hashed; 0 when the entry came from a listing.</summary>
    public long LastWriteTicks { get; init; }

    /// <summary>XXH128 of the content (hex): what change detection compares. Null in entries of older snapshots and
    /// for objects whose content was never proven to be the local file's.</summary>
    public string? Xxh128 { get; init; }

    public string? Md5 { get; init; }

    public string? Sha256 { get; init; }

    public string ETag { get; init; } = "";

    /// <summary>Null when not known (an object seen only in a listing, never sent by us or read with HEAD).</summary>
    public ObjectHeaders? Headers { get; init; }

    /// <summary>
    /// This entry with the digests of <paramref name="digest"/> (the same content) added: what later runs compare
    /// and what a header copy needs. The SHA-256 is kept only from <see cref="Sha256KeptFrom"/> up.
    /// </summary>
    /// <returns>This entry itself when the digest adds nothing (every unchanged file of a deploy is asked).</returns>
    public SnapshotEntry WithDigest(Hashing.ContentDigest digest)
    {
        var (xxh128, md5, sha256) = (digest.Xxh128 ?? Xxh128, digest.Md5 ?? Md5, Size >= Sha256KeptFrom ? digest.Sha256 ?? Sha256 : null);
        return xxh128 == Xxh128 && md5 == Md5 && sha256 == Sha256 ? this : this with { Xxh128 = xxh128, Md5 = md5, Sha256 = sha256 };
    }

    /// <summary>When the key stopped being published; set while it is kept for the delete grace period.</summary>
    public DateTimeOffset? RemovedAt { get; init; }

    /// <summary>The deploy number in which the key stopped being published.</summary>
    public int? RemovedAtDeploy { get; init; }

    /// <summary>
    /// In a versioned bucket, the version the write that recorded this entry created (null elsewhere, and for objects
    /// recorded before this was kept): what a rollback copies back.
    /// </summary>
    public string? VersionId { get; init; }

    /// <summary>True for an entry file (a page, a boot manifest): a rollback restores it after the assets. Null otherwise.</summary>
    public bool? EntryFile { get; init; }
}

/// <summary>The state of one destination (endpoint + bucket + prefix) after the last sync.</summary>
public sealed record SyncSnapshot
{
    /// <summary>
    /// The local snapshot file's format: 2 is compact (hex XXH128, the MD5 only where known, the SHA-256 only for
    /// large files, headers in a table). Format 1, written by earlier versions, is still read. The bucket's state
    /// document has a version of its own (<see cref="RemoteState.FormatVersion"/>).
    /// </summary>
    public const int CurrentVersion = 2;

    public int Version { get; init; } = CurrentVersion;

    public string Destination { get; init; } = "";

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How many syncs changed the bucket; the delete grace period counts in these.</summary>
    public int Deploys { get; init; }

    /// <summary>
    /// Local snapshot only: SHA-256 of the state object last written to (or read from) the bucket, so an unchanged
    /// state is not uploaded again and a no-change publish sends no request at all.
    /// </summary>
    public string? RemoteStateSha256 { get; init; }

    /// <summary>
    /// Local snapshot only: the ETag of that state object, so a deploy can check with one conditional read that nobody
    /// changed it since, and write the next one on the condition that nobody did.
    /// </summary>
    public string? RemoteStateETag { get; init; }

    public Dictionary<string, SnapshotEntry> Entries { get; init; } = new(StringComparer.Ordinal);
}
