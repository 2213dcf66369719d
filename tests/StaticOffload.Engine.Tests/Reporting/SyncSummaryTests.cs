using StaticOffload.Diagnostics;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Rules;
using StaticOffload.Sync;

namespace StaticOffload.Tests.Reporting;

public class SyncSummaryTests
{
    private const string Destination = "s3://my-site-assets/site/";

    private static SyncAction Action(SyncActionKind kind, string key, long size = 0)
    {
        var local = kind == SyncActionKind.Delete
            ? null
            : new LocalFile(key, "/p/" + key, size, 0, new ContentDigest(size, "m", "s", "m"), new ObjectHeaders("text/plain"), false);
        var reason = kind switch
        {
            SyncActionKind.Upload => SyncReason.New,
            SyncActionKind.UpdateMetadata => SyncReason.HeadersChanged,
            SyncActionKind.Delete => SyncReason.Removed,
            _ => SyncReason.Unchanged,
        };
        return new SyncAction(kind, reason, kind == SyncActionKind.Delete ? SyncPhase.Deletions : SyncPhase.Assets, key, local, null);
    }

    private static readonly SyncAction[] Changes =
    [
        Action(SyncActionKind.Upload, "a.js", 1_000_000),
        Action(SyncActionKind.Upload, "b.js", 500_000),
        Action(SyncActionKind.UpdateMetadata, "c.css"),
        Action(SyncActionKind.Delete, "old.js"),
    ];

    private static readonly SyncPlan Plan = new(
    [
        .. Changes,
        Action(SyncActionKind.Unchanged, "d.css"),
        Action(SyncActionKind.Unchanged, "e.css"),
        Action(SyncActionKind.Unchanged, "f.css"),
    ]);

    [Fact]
    public void Summary_of_a_sync_counts_what_was_done()
    {
        var result = new SyncResult
        {
            Plan = Plan,
            Completed = Changes,
            BytesUploaded = 1_500_000,
            Elapsed = TimeSpan.FromSeconds(2.34),
        };

        Assert.Equal(
            "StaticOffload: s3://my-site-assets/site/ — 2 uploaded (1.5 MB), 1 metadata updated, 1 deleted, 3 unchanged in 2.3 s",
            SyncSummary.Line(Destination, result));
    }

    [Fact]
    public void Summary_of_a_dry_run_says_what_would_be_done()
    {
        var result = new SyncResult { Plan = Plan, DryRun = true, Elapsed = TimeSpan.FromSeconds(1) };

        Assert.Equal(
            "StaticOffload: s3://my-site-assets/site/ — dry run: would upload 2 (1.5 MB), update metadata of 1, delete 1; 3 unchanged",
            SyncSummary.Line(Destination, result));
    }

    [Fact]
    public void Summary_of_a_failed_sync_says_how_many_changes_were_not_applied()
    {
        var result = new SyncResult
        {
            Plan = Plan,
            Completed = [Changes[0]],
            BytesUploaded = 1_000_000,
            Elapsed = TimeSpan.FromSeconds(12.6),
            Diagnostics = [Diagnostic.Error(Messages.AccessDeniedCode, "denied")],
        };

        Assert.Equal(
            "StaticOffload: s3://my-site-assets/site/ — 1 uploaded (1.0 MB), 0 metadata updated, 0 deleted, 3 unchanged in 13 s — FAILED, 3 changes not applied",
            SyncSummary.Line(Destination, result));
    }

    [Fact]
    public void Warnings_do_not_make_a_sync_fail()
    {
        var result = new SyncResult { Diagnostics = [Diagnostic.Warning(Messages.SnapshotUnreadableCode, "x")] };

        Assert.True(result.Succeeded);
        Assert.DoesNotContain("FAILED", SyncSummary.Line(Destination, result));
    }

    [Fact]
    public void Summary_of_an_empty_sync_shows_zeros()
    {
        Assert.Equal(
            "StaticOffload: s3://my-site-assets/site/ — 0 uploaded (0 B), 0 metadata updated, 0 deleted, 0 unchanged in 0.00 s",
            SyncSummary.Line(Destination, new SyncResult()));
    }

    [Fact]
    public void Json_report_lists_counts_diagnostics_and_every_change_with_its_outcome()
    {
        var result = new SyncResult
        {
            Plan = Plan,
            Completed = Changes[..3],
            Diagnostics = [Diagnostic.Error(Messages.RequestFailedCode, "refused \"old.js\"", "/p/old.js")],
            BytesUploaded = 1_500_000,
            Elapsed = TimeSpan.FromMilliseconds(1234.5678),
            InvalidationPaths = ["/site/b.js", "/site/old.js"],
        };

        using var report = System.Text.Json.JsonDocument.Parse(SyncReport.ToJson(Destination, result));
        var root = report.RootElement;

        Assert.Equal(Destination, root.GetProperty("destination").GetString());
        Assert.False(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(1.235, root.GetProperty("elapsedSeconds").GetDouble());
        var counts = root.GetProperty("counts");
        Assert.Equal((2, 1, 0, 3, 0), (counts.GetProperty("uploaded").GetInt32(), counts.GetProperty("metadataUpdated").GetInt32(),
            counts.GetProperty("deleted").GetInt32(), counts.GetProperty("unchanged").GetInt32(), counts.GetProperty("retained").GetInt32()));
        Assert.Equal(1_500_000, root.GetProperty("bytesUploaded").GetInt64());
        var diagnostic = Assert.Single(root.GetProperty("diagnostics").EnumerateArray().ToArray());
        Assert.Equal(("Error", "SO1017", "refused \"old.js\"", "/p/old.js"), (diagnostic.GetProperty("severity").GetString(),
            diagnostic.GetProperty("code").GetString(), diagnostic.GetProperty("message").GetString(), diagnostic.GetProperty("file").GetString()));
        var actions = root.GetProperty("actions").EnumerateArray().ToArray();
        Assert.Equal(["a.js", "b.js", "c.css", "old.js"], actions.Select(a => a.GetProperty("key").GetString()));
        Assert.Equal(("Upload", "New", "Assets", 1_000_000L, true), (actions[0].GetProperty("kind").GetString(),
            actions[0].GetProperty("reason").GetString(), actions[0].GetProperty("phase").GetString(),
            actions[0].GetProperty("size").GetInt64(), actions[0].GetProperty("done").GetBoolean()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, actions[3].GetProperty("size").ValueKind);
        Assert.False(actions[3].GetProperty("done").GetBoolean());
        Assert.Equal(["/site/b.js", "/site/old.js"], root.GetProperty("invalidationPaths").EnumerateArray().Select(p => p.GetString()));
    }
}
