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
}

public enum SyncReason
{
    New,
    ContentChanged,
    HeadersChanged,
    Removed,
    Unchanged,
    InGracePeriod,
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
public sealed record SyncAction(
    SyncActionKind Kind,
    SyncReason Reason,
    SyncPhase Phase,
    string Key,
    LocalFile? Local,
    SnapshotEntry? Previous)
{
    public override string ToString() => $"{Kind,-14} {Reason,-14} {Key}";
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
