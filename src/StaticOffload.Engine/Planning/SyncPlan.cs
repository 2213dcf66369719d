using StaticOffload.Snapshot;

namespace StaticOffload.Planning;

public enum SyncActionKind
{
    Upload,
    UpdateMetadata,
    Delete,
    Unchanged,

    /// <summary>No longer published but kept in the bucket for the delete grace period; nothing is sent.</summary>
    Retain,

    /// <summary>
    /// A server-side copy of another object or of an earlier version (<see cref="SyncAction.Restore"/>): no bytes are
    /// sent. A rollback restores every object this way.
    /// </summary>
    Copy,
}

public enum SyncReason
{
    New,
    ContentChanged,
    HeadersChanged,
    Removed,
    Unchanged,
    InGracePeriod,

    /// <summary>
    /// The object in the bucket was not the one recorded (its ETag changed behind the sync's back), so its headers
    /// cannot be replaced by a copy: the file is uploaded instead.
    /// </summary>
    ChangedInBucket,

    /// <summary>A rollback returns the key to what a recorded deploy left there.</summary>
    RolledBack,

    /// <summary>
    /// StaticOffloadForce: the key would be left as it is (or only have its headers replaced), but a forced run
    /// re-sends every object, content and headers, as a repair.
    /// </summary>
    Forced,

    /// <summary>
    /// A new key whose content the bucket already holds under another key (a moved, renamed or duplicated file): made
    /// by a server-side copy of that object instead of an upload.
    /// </summary>
    Duplicate,
}

/// <summary>
/// Execution order. Immutable (fingerprinted) assets go first: nothing live can reference them yet, so they are
/// safe to add at any time. Other assets next, then entry files (HTML, service workers, boot manifests), so a page
/// that is live never references an asset that is not there yet; deletions last, once nothing new points at the
/// old keys.
/// </summary>
public enum SyncPhase
{
    ImmutableAssets = 0,
    Assets = 1,
    EntryFiles = 2,
    Deletions = 3,
}

/// <summary>One step of a plan, with the reason it was chosen (shown by a dry run).</summary>
/// <param name="IfETag">
/// For <see cref="SyncActionKind.UpdateMetadata"/>: the ETag the object must still have for the copy to be made (the
/// one recorded with the content hash). If the store answers that it has another, or the copy returns an ETag that
/// is neither this one nor the file's MD5, the step becomes its <see cref="Fallback"/>: an upload of the file.
/// </param>
public sealed record SyncAction(
    SyncActionKind Kind,
    SyncReason Reason,
    SyncPhase Phase,
    string Key,
    LocalFile? Local,
    SnapshotEntry? Previous,
    string? IfETag = null,
    Restore? Restore = null)
{
    /// <summary>What a conditional copy becomes when the object is not the one recorded: the file is uploaded.</summary>
    public SyncAction? Fallback => Kind == SyncActionKind.UpdateMetadata
        ? this with { Kind = SyncActionKind.Upload, Reason = SyncReason.ChangedInBucket, IfETag = null }
        : null;

    public override string ToString() => Kind switch
    {
        SyncActionKind.UpdateMetadata => $"{Kind,-14} {Reason,-14} {Key} (copy if ETag is \"{IfETag}\", else upload)",
        SyncActionKind.Copy => $"{Kind,-14} {Reason,-14} {Key} (from {Restore!.Describe()})",
        _ => $"{Kind,-14} {Reason,-14} {Key}",
    };
}

/// <summary>
/// What a <see cref="SyncActionKind.Copy"/> copies, and what the key holds afterwards. For a
/// <see cref="SyncReason.Duplicate"/> the action's file gives the headers and the record; <see cref="Entry"/> is the
/// source's, and a copy that cannot be made becomes an upload of the file.
/// </summary>
/// <param name="Source">The object (and version) copied, on the condition that it still has its recorded ETag.</param>
/// <param name="Entry">The record the key gets: the headers to keep (S3 copies no ACL, storage class or redirect).</param>
/// <param name="ReplaceHeaders">
/// The live object already has the content and only its headers differ: copied onto itself with the recorded headers
/// (REPLACE). Otherwise the source version keeps its own headers and metadata (COPY).
/// </param>
public sealed record Restore(Storage.CopySource Source, SnapshotEntry Entry, bool ReplaceHeaders = false)
{
    public string Describe() => Source.VersionId is null
        ? $"'{Source.Key}' as it is, ETag \"{Source.IfETag}\""
        : $"version {Source.VersionId} of '{Source.Key}', ETag \"{Source.IfETag}\"";
}

public sealed record SyncPlan(IReadOnlyList<SyncAction> Actions)
{
    /// <summary>The actions that send a request.</summary>
    public IEnumerable<SyncAction> Changes => Actions.Where(a => a.Kind is not (SyncActionKind.Unchanged or SyncActionKind.Retain));

    public int Count(SyncActionKind kind) => Actions.Count(a => a.Kind == kind);

    public long UploadBytes => Actions.Where(a => a.Kind == SyncActionKind.Upload).Sum(a => a.Local!.Size);

    /// <summary>The actions of each phase in execution order; a phase starts only when the one before succeeded.</summary>
    public IEnumerable<IGrouping<SyncPhase, SyncAction>> Phases =>
        Changes.GroupBy(a => a.Phase).OrderBy(g => g.Key);
}
