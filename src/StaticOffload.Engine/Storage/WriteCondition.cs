namespace StaticOffload.Storage;

/// <summary>
/// What a write assumes the key holds, sent as an S3 conditional request so the store refuses the write when the
/// assumption is false: <c>If-None-Match: *</c> (the key is free) or <c>If-Match: "etag"</c> (the key still holds what
/// was read). The deploy lease and the bucket state are written this way.
/// </summary>
public sealed record WriteCondition
{
    public static WriteCondition None { get; } = new();

    /// <summary>The key holds nothing: <c>If-None-Match: *</c>.</summary>
    public static WriteCondition Absent { get; } = new() { IfAbsent = true };

    /// <summary>
    /// <c>If-None-Match: *</c> on a key known to exist, to learn whether the store honours the condition: its refusal
    /// is the expected answer, so it is not checked against a retried write of the same bytes (one HEAD saved).
    /// </summary>
    public static WriteCondition Probe { get; } = new() { IfAbsent = true, ExpectRefusal = true };

    /// <summary>The key still holds the object with this ETag: <c>If-Match</c>.</summary>
    public static WriteCondition Matching(string etag) => new() { IfMatch = etag };

    /// <summary>A write replacing what was read: <see cref="Matching"/> its ETag, or <see cref="Absent"/> when there was nothing.</summary>
    public static WriteCondition Replacing(string? etag) => etag is null ? Absent : Matching(etag);

    public bool IfAbsent { get; private init; }

    /// <summary>The ETag without quotes; null when the write does not assume one.</summary>
    public string? IfMatch { get; private init; }

    /// <summary>A refusal is the expected answer (<see cref="Probe"/>).</summary>
    public bool ExpectRefusal { get; private init; }

    public bool IsConditional => IfAbsent || IfMatch is not null;

    public override string ToString() =>
        IfAbsent ? "If-None-Match: *" : IfMatch is null ? "unconditional" : $"If-Match: \"{IfMatch}\"";
}

public enum ConditionalOutcome
{
    /// <summary>The write or delete took place.</summary>
    Done,

    /// <summary>The key did not hold what the condition assumed (412, or 404 for If-Match on a missing key): nothing changed.</summary>
    PreconditionFailed,

    /// <summary>The store refused the conditional header itself (501 NotImplemented and the like): nothing changed.</summary>
    NotSupported,
}

/// <summary>The outcome of a conditional write, and the ETag of what was written.</summary>
public sealed record DocumentWrite(ConditionalOutcome Outcome, string? ETag = null, string? VersionId = null)
{
    public bool Done => Outcome == ConditionalOutcome.Done;
}

/// <summary>The ETag (without quotes) and, in a versioned bucket, the version id that a write gave an object.</summary>
public sealed record StoredObject(string ETag, string? VersionId = null);

/// <summary>What a server-side copy reads: a key, one of its versions (null: the live one), and the ETag it must have.</summary>
public sealed record CopySource(string Key, string? VersionId, string IfETag);

/// <summary>One version of an object, as a version listing reports it.</summary>
public sealed record ObjectVersion(string Key, string VersionId, string ETag, bool IsLatest, bool IsDeleteMarker, long Size);
