using StaticOffload.Planning;

namespace StaticOffload.Execution;

/// <summary>
/// Which write of a phase goes alone, before the others start in parallel: the run's first write, and the first write
/// that carries an ACL. A refusal that every other write would meet too (access denied, ACLs disabled on the bucket,
/// Block Public Access, the wrong region) then comes back once, and nothing else is sent after it; once the store took
/// such a write, the rest go in parallel. It costs one round trip per run (two when an ACL is set), made as short as
/// it can be: the write that sends the fewest bytes goes alone, not the phase's first (its largest upload, which as the
/// only one in flight held a whole phase back for as long as it took).
/// </summary>
public static class FirstWrites
{
    /// <summary>The index of the action to run alone, or -1 when all can start at once.</summary>
    /// <param name="actions">The phase's actions, in plan order.</param>
    /// <param name="written">Whether a write of this run already took effect.</param>
    /// <param name="aclWritten">Whether a write that carried an ACL already took effect.</param>
    public static int Alone(IReadOnlyList<SyncAction> actions, bool written, bool aclWritten)
    {
        if (actions.Count < 2)
        {
            return -1;
        }

        var withAcl = aclWritten ? -1 : Smallest(actions, withAcl: true);
        return withAcl >= 0 ? withAcl : written ? -1 : Smallest(actions, withAcl: false);
    }

    /// <summary>The canned ACL the action's write sends, if any.</summary>
    public static string? Acl(SyncAction action) => action.Local?.Headers.Acl ?? action.Restore?.Entry.Headers?.Acl;

    /// <summary>The action that sends the fewest bytes (a server-side copy sends none), the first of equals; -1 when none.</summary>
    private static int Smallest(IReadOnlyList<SyncAction> actions, bool withAcl)
    {
        var (smallest, fewest) = (-1, long.MaxValue);
        for (var i = 0; i < actions.Count; i++)
        {
            var bytes = actions[i].Kind == SyncActionKind.Upload ? actions[i].Local?.Size ?? 0 : 0;
            if (bytes < fewest && (!withAcl || Acl(actions[i]) is not null))
            {
                (smallest, fewest) = (i, bytes);
            }
        }

        return smallest;
    }
}
