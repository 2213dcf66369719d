using StaticOffload.Planning;

namespace StaticOffload.Execution;

/// <summary>
/// Which write of a phase goes alone, before the others start in parallel: the run's first write, and the first write
/// that carries an ACL. A refusal that every other write would meet too (access denied, ACLs disabled on the bucket,
/// Block Public Access, the wrong region) then comes back once, and nothing else is sent after it; once the store took
/// such a write, the rest go in parallel. It costs one round trip per run (two when an ACL is set).
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

        var withAcl = aclWritten ? -1 : IndexOfAcl(actions);
        return withAcl >= 0 ? withAcl : written ? -1 : 0;
    }

    /// <summary>The canned ACL the action's write sends, if any.</summary>
    public static string? Acl(SyncAction action) => action.Local?.Headers.Acl ?? action.Restore?.Entry.Headers?.Acl;

    private static int IndexOfAcl(IReadOnlyList<SyncAction> actions)
    {
        for (var i = 0; i < actions.Count; i++)
        {
            if (Acl(actions[i]) is not null)
            {
                return i;
            }
        }

        return -1;
    }
}
