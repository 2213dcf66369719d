using StaticOffload.Planning;

namespace StaticOffload.Reporting;

/// <summary>
/// One line per change, in the form `aws s3 sync` prints ("upload: css/site.css → s3://bucket/site/css/site.css"),
/// with the reason the plan gives; a dry run prints the same lines marked "(dry run)".
/// </summary>
/// <param name="Bucket">The site's bucket.</param>
/// <param name="Prefix">The key prefix, dropped from the local side of a line (the path below the synced folder).</param>
public sealed record ChangeLines(string Bucket, string Prefix)
{
    /// <summary>A change that took effect; <paramref name="bytes"/> for an upload.</summary>
    public string Done(SyncAction action, long? bytes = null) => Line(action, bytes);

    /// <summary>What a dry run would do: every change, then (at detailed verbosity) the keys left as they are.</summary>
    public string Planned(SyncAction action) => "(dry run) " + Line(action, action.Kind == SyncActionKind.Upload ? action.Local?.Size : null);

    /// <summary>
    /// A plan as a dry run (or a refused one) shows it, at every verbosity since showing it is the point: every change
    /// and why; the keys left as they are only at detailed verbosity.
    /// </summary>
    public void LogPlan(Sync.ISyncLog log, SyncPlan plan, string heading)
    {
        log.Important(heading);
        foreach (var action in plan.Actions)
        {
            if (action.Kind == SyncActionKind.Unchanged)
            {
                log.Detail("  " + Planned(action));
            }
            else
            {
                log.Important("  " + Planned(action));
            }
        }
    }

    private string Line(SyncAction action, long? bytes)
    {
        var target = Url(action.Key);
        var why = bytes is { } size ? $"{action.Reason}, {Format.Bytes(size)}" : action.Reason.ToString();
        return action.Kind switch
        {
            SyncActionKind.Upload => $"upload: {Relative(action.Key)} → {target} ({why})",
            SyncActionKind.UpdateMetadata => $"update headers: {target} ({why}, copied in place)",
            SyncActionKind.Copy when action.Restore is { } restore && restore.Source.Key != action.Key && restore.Source.VersionId is null =>
                $"copy: {Url(restore.Source.Key)} → {target} ({why})",
            SyncActionKind.Copy => $"restore: {target} ({why}, from {action.Restore!.Describe()})",
            SyncActionKind.Delete => $"delete: {target} ({why})",
            SyncActionKind.Retain => $"keep: {target} ({why})",
            _ => $"unchanged: {target}",
        };
    }

    private string Url(string key) => $"s3://{Bucket}/{key}";

    private string Relative(string key) => key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : key;
}
