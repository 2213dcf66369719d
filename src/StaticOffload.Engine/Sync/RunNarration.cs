using StaticOffload.Planning;
using StaticOffload.Reporting;

namespace StaticOffload.Sync;

/// <summary>
/// The lines a run prints at normal verbosity before it changes anything: which endpoint, what it is about to do,
/// what it found. A slow or silent endpoint is then never a silent build.
/// </summary>
public static class RunNarration
{
    public static string Reading(string destination, bool hasSnapshot) => hasSnapshot
        ? $"StaticOffload: {destination}: verifying, reading the bucket's sync state and listing its objects…"
        : $"StaticOffload: {destination}: no local snapshot, reading the bucket's sync state and listing its objects…";

    public static string Found(string destination, int objects, bool hasState) =>
        $"StaticOffload: {destination}: found {Format.Count(objects)} objects{(hasState ? " and the sync state of the last deploy" : ", no sync state")}.";

    public static string Starting(string destination, SyncPlan plan) =>
        $"StaticOffload: {destination}: {Format.Count(plan.Count(SyncActionKind.Upload))} to upload, {Format.Count(plan.Count(SyncActionKind.UpdateMetadata))} to update, " +
        (plan.Count(SyncActionKind.Copy) is > 0 and var copies ? $"{Format.Count(copies)} to copy server-side, " : "") +
        $"{Format.Count(plan.Count(SyncActionKind.Delete))} to delete…";
}
