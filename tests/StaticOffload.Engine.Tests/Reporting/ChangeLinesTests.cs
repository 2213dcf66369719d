using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Tests.Reporting;

public class ChangeLinesTests
{
    private static readonly ChangeLines Lines = new("my-site-assets", "site/");

    private static LocalFile File(string key, long size) =>
        new(key, "/p/" + key, size, 0, new ContentDigest(size, "m", "s", "m"), new ObjectHeaders("text/css"), false);

    private static readonly (SyncAction Action, long? Bytes, string Line)[] Done =
    [
        (
            new SyncAction(SyncActionKind.Upload, SyncReason.ContentChanged, SyncPhase.Assets, "site/css/site.css", File("site/css/site.css", 2100), null),
            2100, "upload: css/site.css → s3://my-site-assets/site/css/site.css (ContentChanged, 2.1 KB)"
        ),
        (
            new SyncAction(SyncActionKind.UpdateMetadata, SyncReason.HeadersChanged, SyncPhase.EntryFiles, "site/index.html", File("site/index.html", 10), null, "e"),
            null, "update headers: s3://my-site-assets/site/index.html (HeadersChanged, copied in place)"
        ),
        (
            new SyncAction(SyncActionKind.Delete, SyncReason.Removed, SyncPhase.Deletions, "site/old.js", null, null),
            null, "delete: s3://my-site-assets/site/old.js (Removed)"
        ),
        (
            new SyncAction(SyncActionKind.Copy, SyncReason.RolledBack, SyncPhase.Assets, "site/a.css", null, null,
                Restore: new Restore(new CopySource("site/a.css", "v1", "e1"), new SnapshotEntry())),
            null, "restore: s3://my-site-assets/site/a.css (RolledBack, from version v1 of 'site/a.css', ETag \"e1\")"
        ),
    ];

    [Fact]
    public void A_change_that_took_effect_is_one_line_like_aws_s3_sync() =>
        Assert.Equal(Done.Select(d => d.Line), Done.Select(d => Lines.Done(d.Action, d.Bytes)));

    [Fact]
    public void A_dry_run_line_is_marked_and_gives_the_upload_size()
    {
        var upload = new SyncAction(SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets, "site/js/app.js", File("site/js/app.js", 1_500_000), null);

        Assert.Equal("(dry run) upload: js/app.js → s3://my-site-assets/site/js/app.js (New, 1.5 MB)", Lines.Planned(upload));
    }
}
