using StaticOffload.Planning;
using StaticOffload.Rollback;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Tests.Rollback;

public class RollbackPlannerTests
{
    private static readonly ObjectHeaders Html = new("text/html", "no-cache");
    private static readonly ObjectHeaders Immutable = new("text/css", "public, max-age=31536000, immutable");

    private static SnapshotEntry Entry(string etag, ObjectHeaders? headers = null, string? version = null, bool entryFile = false) =>
        new() { Size = 10, ETag = etag, Headers = headers ?? Html, VersionId = version, EntryFile = entryFile ? true : null };

    private static Dictionary<string, SnapshotEntry> Entries(params (string Key, SnapshotEntry Entry)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Entry, StringComparer.Ordinal);

    private static RollbackPlan Plan(Dictionary<string, SnapshotEntry> target, Dictionary<string, SnapshotEntry> current,
        IReadOnlyList<ObjectVersion>? versions = null, IEnumerable<string>? recorded = null) =>
        RollbackPlanner.Plan(target, current, (recorded ?? current.Keys).ToHashSet(StringComparer.Ordinal), versions ?? [], "site/");

    [Fact]
    public void Keys_as_recorded_stay_others_are_copied_from_their_recorded_version_and_keys_added_since_are_deleted()
    {
        var target = Entries(
            ("site/index.html", Entry("aaa", version: "v1", entryFile: true)),
            ("site/app.111.css", Entry("bbb", Immutable, "v2")),
            ("site/about.html", Entry("ccc", version: "v3")));
        var current = Entries(
            ("site/index.html", Entry("zzz", version: "v9", entryFile: true)),
            ("site/app.222.css", Entry("ddd", Immutable, "v8")),
            ("site/about.html", Entry("ccc", version: "v3")));

        var (plan, missing) = Plan(target, current);

        Assert.Empty(missing);
        Assert.Equal(
            [
                (SyncPhase.Assets, SyncActionKind.Unchanged, "site/about.html"),
                (SyncPhase.ImmutableAssets, SyncActionKind.Copy, "site/app.111.css"),
                (SyncPhase.Deletions, SyncActionKind.Delete, "site/app.222.css"),
                (SyncPhase.EntryFiles, SyncActionKind.Copy, "site/index.html"),
            ],
            plan.Actions.Select(a => (a.Phase, a.Kind, a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal));
        var index = plan.Actions.Single(a => a.Key == "site/index.html");
        Assert.Equal(new CopySource("site/index.html", "v1", "aaa"), index.Restore!.Source);
        Assert.False(index.Restore.ReplaceHeaders);
        Assert.Equal(SyncReason.RolledBack, index.Reason);
    }

    [Fact]
    public void Phases_run_assets_then_entry_files_then_deletes()
    {
        var target = Entries(("site/index.html", Entry("a", version: "1", entryFile: true)), ("site/a.css", Entry("b", version: "2")));
        var current = Entries(("site/new.css", Entry("c")));

        var phases = Plan(target, current).Plan.Phases.Select(g => g.Key).ToArray();

        Assert.Equal([SyncPhase.Assets, SyncPhase.EntryFiles, SyncPhase.Deletions], phases);
    }

    [Fact]
    public void Same_content_with_other_headers_is_copied_onto_itself_with_the_recorded_headers()
    {
        var target = Entries(("site/index.html", Entry("aaa", Html)));
        var current = Entries(("site/index.html", Entry("aaa", Html with { CacheControl = "max-age=60" })));

        var action = Assert.Single(Plan(target, current).Plan.Actions);

        Assert.Equal(SyncActionKind.Copy, action.Kind);
        Assert.Equal(new CopySource("site/index.html", null, "aaa"), action.Restore!.Source);
        Assert.True(action.Restore.ReplaceHeaders);
    }

    [Fact]
    public void An_entry_recorded_without_a_version_is_found_by_its_ETag_among_the_versions()
    {
        var target = Entries(("site/index.html", Entry("aaa")));
        var current = Entries(("site/index.html", Entry("zzz")));
        ObjectVersion[] versions =
        [
            new("site/index.html", "v3", "zzz", IsLatest: true, IsDeleteMarker: false, 10),
            new("site/index.html", "v2", "aaa", IsLatest: false, IsDeleteMarker: false, 10),
            new("site/index.html", "v1", "aaa", IsLatest: false, IsDeleteMarker: false, 10),
        ];

        var action = Assert.Single(Plan(target, current, versions).Plan.Actions);

        Assert.Equal(new CopySource("site/index.html", "v2", "aaa"), action.Restore!.Source);
    }

    [Fact]
    public void Without_versions_a_key_whose_content_is_gone_is_missing_and_nothing_is_planned_for_it()
    {
        var target = Entries(("site/index.html", Entry("aaa")), ("site/old.js", Entry("bbb")));
        var current = Entries(("site/index.html", Entry("zzz")), ("site/old.js", Entry("bbb")));

        var (plan, missing) = Plan(target, current);

        Assert.Equal(["site/index.html"], missing);
        Assert.Equal(SyncActionKind.Unchanged, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Only_keys_this_package_recorded_are_deleted_and_never_outside_the_prefix()
    {
        var target = Entries(("site/index.html", Entry("aaa")));
        var current = Entries(
            ("site/index.html", Entry("aaa")),
            ("site/ours.css", Entry("b")),
            ("site/someone-elses.txt", Entry("c")),
            ("other/ours.css", Entry("d")));

        var plan = Plan(target, current, recorded: ["site/index.html", "site/ours.css", "other/ours.css"]).Plan;

        Assert.Equal(["site/ours.css"], plan.Actions.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
    }
}
