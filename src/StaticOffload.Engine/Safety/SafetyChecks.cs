using StaticOffload.Diagnostics;
using StaticOffload.Planning;

namespace StaticOffload.Safety;

/// <summary>What the safety checks look at: the plan, and the few facts about the run it cannot show.</summary>
/// <param name="Destination">For messages: "s3://bucket/prefix/ at endpoint".</param>
/// <param name="Prefix">"" when the sync owns the whole bucket.</param>
/// <param name="LocalFiles">How many files the publish output has to sync.</param>
public sealed record SafetyInput(
    SyncPlan Plan,
    string Destination,
    string Prefix,
    int LocalFiles,
    bool AllowRootDelete,
    int MaxDeletes);

/// <summary>
/// The guards between a plan and the bucket, each a rule about the plan as a whole that a single action cannot see:
/// a publish output that shrank, an empty source folder, deletions at a bucket's root, more deletions than allowed.
/// Pure: every rule is a row of a table in the unit tests. Any error means nothing is sent.
/// </summary>
public static class SafetyChecks
{
    /// <summary>Below this many files a shrinking output is not suspicious: small sites change shape freely.</summary>
    public const int ShrinkCheckMinimumFiles = 10;

    /// <summary>
    /// Before planning: a publish output that shrank to under half of what the last deploy left live is more likely a
    /// wrong folder or a failed publish than a real change. Null when it did not, or when that is allowed.
    /// </summary>
    public static Diagnostic? Shrink(string destination, int localFiles, int previousLive, bool deleteRemoved, bool allowShrink) =>
        deleteRemoved && !allowShrink && previousLive >= ShrinkCheckMinimumFiles && localFiles * 2 < previousLive
            ? Messages.OutputShrank(localFiles, previousLive, destination)
            : null;

    /// <summary>
    /// Of the plan: the first error that stops the run (nothing is sent), else the warnings that do not, else none.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Plan(SafetyInput run)
    {
        var plan = run.Plan;
        var deletes = plan.Count(SyncActionKind.Delete);
        if (run.LocalFiles == 0 && deletes > 0)
        {
            return [Messages.SourceFolderMissing(deletes, run.Destination)];
        }

        var unknownAtRoot = run.Prefix.Length == 0
            ? plan.Actions.Count(a => a.Kind == SyncActionKind.Delete && a.Previous is { Md5: null, Headers: null })
            : 0;
        if (unknownAtRoot > 0 && !run.AllowRootDelete)
        {
            return [Messages.RootDeleteNotAllowed(unknownAtRoot)];
        }

        if (deletes > run.MaxDeletes)
        {
            return [Messages.TooManyDeletes(deletes, run.Destination, run.MaxDeletes)];
        }

        if (run.LocalFiles == 0 && plan.Actions.Count == 0)
        {
            return [Messages.NothingToSync(run.Destination)];
        }

        return [];
    }
}
