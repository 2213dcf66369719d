using StaticOffload.Snapshot;

namespace StaticOffload.Planning;

public enum SyncActionKind
{
    Upload,
    UpdateMetadata,
    Delete,
    Unchanged,
}

public enum SyncReason
{
    New,
    ContentChanged,
    HeadersChanged,
    Removed,
    Unchanged,
}

/// <summary>
/// Execution order. Assets go first and entry files (HTML, service workers) after them, so a page that is live never
/// references an asset that is not there yet; deletions go last, once nothing new points at the old keys.
/// </summary>
public enum SyncPhase
{
    Assets = 0,
    EntryFiles = 1,
    Deletions = 2,
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
    public IEnumerable<SyncAction> Changes => Actions.Where(a => a.Kind != SyncActionKind.Unchanged);

    public int Count(SyncActionKind kind) => Actions.Count(a => a.Kind == kind);

    public long UploadBytes => Actions.Where(a => a.Kind == SyncActionKind.Upload).Sum(a => a.Local!.Size);

    /// <summary>The actions of each phase in execution order; a phase starts only when the one before succeeded.</summary>
    public IEnumerable<IGrouping<SyncPhase, SyncAction>> Phases =>
        Changes.GroupBy(a => a.Phase).OrderBy(g => g.Key);
}
