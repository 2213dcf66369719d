using StaticOffload.Planning;
using StaticOffload.Sync;

namespace StaticOffload.Reporting;

/// <summary>The one line a normal-verbosity build log shows for a sync.</summary>
public static class SyncSummary
{
    public static string Line(string destination, SyncResult result)
    {
        if (result.DryRun)
        {
            var p = result.Plan;
            return $"StaticOffload: {destination} — dry run: would upload {Count(p.Count(SyncActionKind.Upload))} ({Format.Bytes(p.UploadBytes)}), update metadata of {Count(p.Count(SyncActionKind.UpdateMetadata))}, {(p.Count(SyncActionKind.Copy) > 0 ? $"copy {Count(p.Count(SyncActionKind.Copy))} server-side, " : "")}delete {Count(p.Count(SyncActionKind.Delete))}; {Count(p.Count(SyncActionKind.Unchanged))} unchanged";
        }

        var unchanged = result.Plan.Count(SyncActionKind.Unchanged);
        var line = $"StaticOffload: {destination} — {Count(result.CompletedCount(SyncActionKind.Upload))} uploaded ({Format.Bytes(result.BytesUploaded)}), " +
                   $"{Count(result.CompletedCount(SyncActionKind.UpdateMetadata))} metadata updated, " +
                   (result.Plan.Count(SyncActionKind.Copy) > 0 ? $"{Count(result.CompletedCount(SyncActionKind.Copy))} copied server-side, " : "") +
                   $"{Count(result.CompletedCount(SyncActionKind.Delete))} deleted, " +
                   $"{Count(unchanged)} unchanged in {Format.Seconds(result.Elapsed)}";
        if (!result.Succeeded)
        {
            var pending = result.Plan.Changes.Count() - result.Completed.Count;
            line += $" — FAILED, {Count(pending)} changes not applied";
        }

        return line;
    }

    private static string Count(int n) => Format.Count(n);
}
