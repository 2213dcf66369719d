using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Planning;

public class SyncPlannerTests
{
    private static readonly ObjectHeaders Css = new("text/css", "public, max-age=3600");
    private static readonly ObjectHeaders Fingerprinted = new("text/css", "public, max-age=31536000, immutable");

    private static string Md5Of(string content) => content.PadRight(32, '0');

    private static LocalFile Local(string key, long size = 100, string content = "a", ObjectHeaders? headers = null,
        bool entryFile = false, string? etag = null) =>
        new(key, "/publish/" + key, size, 638_000_000_000_000_000,
            new ContentDigest(size, Md5Of(content), new string('5', 64), etag ?? Md5Of(content)), headers ?? Css, entryFile);

    private static SnapshotEntry Entry(long size = 100, string? content = "a", ObjectHeaders? headers = null, string? etag = null) =>
        new()
        {
            Size = size,
            Md5 = content is null ? null : Md5Of(content),
            ETag = etag ?? (content is null ? "" : Md5Of(content)),
            Headers = headers,
        };

    private static SyncPlan Plan(IReadOnlyCollection<LocalFile> local, IReadOnlyDictionary<string, SnapshotEntry> remote, bool deleteRemoved) =>
        SyncPlanner.Plan(local, remote, deleteRemoved ? DeletePolicy.Immediate : DeletePolicy.Never, StoreCapabilities.S3);

    private static SyncPlan Plan(IReadOnlyCollection<LocalFile> local, IReadOnlyDictionary<string, SnapshotEntry> remote, DeletePolicy deletes) =>
        SyncPlanner.Plan(local, remote, deletes, StoreCapabilities.S3);

    private static SyncAction Single(SyncPlan plan, string key) => plan.Actions.Single(a => a.Key == key);

    private static Dictionary<string, SnapshotEntry> Remote(params (string Key, SnapshotEntry Entry)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Entry, StringComparer.Ordinal);

    [Fact]
    public void Changes_go_phase_by_phase_and_the_unchanged_files_follow_in_the_order_given()
    {
        LocalFile[] local =
        [
            Local("z.css"), Local("index.html", entryFile: true, content: "new"), Local("b.css", content: "new"), Local("a.css"),
            Local("app.1.css", headers: Fingerprinted, content: "new"), Local("m.css"),
        ];
        var remote = Remote(("z.css", Entry(headers: Css)), ("index.html", Entry(headers: Css)), ("a.css", Entry(headers: Css)),
            ("m.css", Entry(headers: Css)), ("gone.css", Entry(headers: Css)));

        var plan = Plan(local, remote, deleteRemoved: true);

        Assert.Equal(["app.1.css", "b.css", "index.html", "gone.css", "z.css", "a.css", "m.css"], plan.Actions.Select(a => a.Key));
        Assert.Equal([SyncActionKind.Upload, SyncActionKind.Upload, SyncActionKind.Upload, SyncActionKind.Delete], plan.Changes.Select(a => a.Kind));
        Assert.Equal(["z.css", "index.html", "a.css", "m.css"],
            SyncPlanner.AllUnchanged(local.Where(f => remote.ContainsKey(f.Key)).ToArray()).Actions.Select(a => a.Key));
    }

    [Fact]
    public void New_file_is_uploaded_as_new()
    {
        var plan = Plan([Local("a.css")], Remote(), deleteRemoved: true);

        var action = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets), (action.Kind, action.Reason, action.Phase));
        Assert.Null(action.Previous);
        Assert.Equal("a.css", action.Local!.Key);
    }

    [Fact]
    public void New_file_not_hashed_yet_is_uploaded_as_new()
    {
        var plan = Plan([Local("a.css") with { Digest = null }], Remote(), deleteRemoved: true);

        Assert.Equal((SyncActionKind.Upload, SyncReason.New), (plan.Actions[0].Kind, plan.Actions[0].Reason));
    }

    [Fact]
    public void Known_key_without_a_digest_is_uploaded_never_taken_as_unchanged()
    {
        var plan = Plan([Local("a.css") with { Digest = null }], Remote(("a.css", Entry(headers: Css))), true);

        Assert.Equal((SyncActionKind.Upload, SyncReason.ContentChanged), (plan.Actions[0].Kind, plan.Actions[0].Reason));
    }

    [Fact]
    public void Same_content_and_same_headers_is_unchanged()
    {
        var previous = Entry(headers: Css);
        var plan = Plan([Local("a.css")], Remote(("a.css", previous)), deleteRemoved: true);

        var action = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.Unchanged, SyncReason.Unchanged), (action.Kind, action.Reason));
        Assert.Same(previous, action.Previous);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void Different_md5_is_uploaded_as_content_changed()
    {
        var plan = Plan([Local("a.css", content: "new")], Remote(("a.css", Entry(content: "old", headers: Css))), true);

        var action = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.Upload, SyncReason.ContentChanged), (action.Kind, action.Reason));
    }

    [Fact]
    public void Same_content_with_different_headers_updates_metadata()
    {
        var plan = Plan([Local("a.css")], Remote(("a.css", Entry(headers: Css with { CacheControl = "no-cache" }))), true);

        var action = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.UpdateMetadata, SyncReason.HeadersChanged), (action.Kind, action.Reason));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("STANDARD_IA", null)]
    [InlineData(null, "public-read")]
    public void Any_header_change_including_storage_class_and_acl_updates_metadata(string? storageClass, string? acl)
    {
        var sent = Css with { StorageClass = "STANDARD", Acl = "private" };
        var wanted = Css with { StorageClass = storageClass ?? "STANDARD", Acl = acl ?? "private" };
        var plan = Plan([Local("a.css", headers: wanted)], Remote(("a.css", Entry(headers: sent))), true);

        Assert.Equal(wanted == sent ? SyncActionKind.Unchanged : SyncActionKind.UpdateMetadata, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Entry_with_unknown_headers_and_same_content_updates_metadata()
    {
        var plan = Plan([Local("a.css")], Remote(("a.css", Entry(headers: null))), true);

        Assert.Equal(SyncActionKind.UpdateMetadata, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Removed_key_is_deleted_when_deleteRemoved_is_true()
    {
        var previous = Entry(headers: Css);
        var plan = Plan([Local("a.css")], Remote(("a.css", Entry(headers: Css)), ("old.css", previous)), true);

        var delete = Single(plan, "old.css");
        Assert.Equal((SyncActionKind.Delete, SyncReason.Removed, SyncPhase.Deletions), (delete.Kind, delete.Reason, delete.Phase));
        Assert.Null(delete.Local);
        Assert.Same(previous, delete.Previous);
    }

    [Fact]
    public void Removed_key_is_kept_when_deleteRemoved_is_false()
    {
        var plan = Plan([Local("a.css")], Remote(("a.css", Entry(headers: Css)), ("old.css", Entry())), false);

        Assert.Equal(["a.css"], plan.Actions.Select(a => a.Key));
        Assert.Equal(0, plan.Count(SyncActionKind.Delete));
    }

    [Fact]
    public void Entry_files_go_after_assets_and_deletions_last()
    {
        var plan = Plan(
        [
            Local("index.html", size: 10_000, entryFile: true),
            Local("a.css", size: 10),
            Local("sw.js", size: 5, entryFile: true),
            Local("b.js", size: 20),
        ], Remote(("gone.js", Entry()), ("0-first-by-name.css", Entry())), true);

        Assert.Equal(
            [
                (SyncPhase.Assets, "b.js"), (SyncPhase.Assets, "a.css"),
                (SyncPhase.EntryFiles, "index.html"), (SyncPhase.EntryFiles, "sw.js"),
                (SyncPhase.Deletions, "0-first-by-name.css"), (SyncPhase.Deletions, "gone.js"),
            ],
            plan.Actions.Select(a => (a.Phase, a.Key)));
        Assert.Equal([SyncPhase.Assets, SyncPhase.EntryFiles, SyncPhase.Deletions], plan.Phases.Select(p => p.Key));
    }

    [Fact]
    public void Force_uploads_every_file_in_phase_order_and_still_deletes_as_planned()
    {
        var plan = SyncPlanner.Plan(
        [
            Local("index.html", entryFile: true),
            Local("a.css"),
            Local("b.css"),
            Local("new.css"),
        ], Remote(("index.html", Entry(headers: Css)), ("a.css", Entry(headers: Css)), ("b.css", Entry(headers: Css with { CacheControl = "no-cache" })),
            ("gone.css", Entry())), DeletePolicy.Immediate, StoreCapabilities.S3, force: true);

        Assert.Equal(
            [
                (SyncActionKind.Upload, SyncReason.Forced, SyncPhase.Assets, "a.css"),
                (SyncActionKind.Upload, SyncReason.HeadersChanged, SyncPhase.Assets, "b.css"),
                (SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets, "new.css"),
                (SyncActionKind.Upload, SyncReason.Forced, SyncPhase.EntryFiles, "index.html"),
                (SyncActionKind.Delete, SyncReason.Removed, SyncPhase.Deletions, "gone.css"),
            ],
            plan.Actions.Select(a => (a.Kind, a.Reason, a.Phase, a.Key)));
    }

    [Fact]
    public void A_new_key_whose_content_the_bucket_holds_elsewhere_is_copied_from_there_on_stores_that_copy()
    {
        var local = new[] { Local("css/new.css", content: "same"), Local("css/other.css", content: "different") };
        var remote = Remote(("css/old.css", Entry(content: "same", headers: Css)), ("css/twin.css", Entry(content: "same", headers: Css)));

        var copied = Single(SyncPlanner.Plan(local, remote, DeletePolicy.Immediate, StoreCapabilities.S3), "css/new.css");
        var uploaded = Single(SyncPlanner.Plan(local, remote, DeletePolicy.Immediate, StoreCapabilities.S3), "css/other.css");
        var withoutCopy = Single(SyncPlanner.Plan(local, remote, DeletePolicy.Immediate, StoreCapabilities.NoCopy), "css/new.css");
        var forced = Single(SyncPlanner.Plan(local, remote, DeletePolicy.Immediate, StoreCapabilities.S3, force: true), "css/new.css");

        Assert.Equal((SyncActionKind.Copy, SyncReason.Duplicate, "css/old.css", Md5Of("same")),
            (copied.Kind, copied.Reason, copied.Restore?.Source.Key, copied.Restore?.Source.IfETag));
        Assert.Equal((SyncActionKind.Upload, SyncReason.New), (uploaded.Kind, uploaded.Reason));
        Assert.Equal((SyncActionKind.Upload, SyncReason.New), (withoutCopy.Kind, withoutCopy.Reason));
        Assert.Equal((SyncActionKind.Upload, SyncReason.New), (forced.Kind, forced.Reason));
    }

    [Fact]
    public void A_new_key_not_hashed_or_of_another_size_is_uploaded()
    {
        var remote = Remote(("old.css", Entry(size: 100, content: "same", headers: Css)));

        var plan = SyncPlanner.Plan([Local("a.css", content: "same") with { Digest = null }, Local("b.css", size: 99, content: "same")],
            remote, DeletePolicy.Never, StoreCapabilities.S3);

        Assert.All(plan.Actions, a => Assert.Equal(SyncActionKind.Upload, a.Kind));
    }

    [Fact]
    public void Larger_uploads_go_first_within_a_phase_and_ties_by_key()
    {
        var plan = Plan(
        [
            Local("small.js", size: 1),
            Local("b-medium.js", size: 50),
            Local("huge.wasm", size: 9_000_000),
            Local("a-medium.js", size: 50),
            Local("unchanged-big.bin", size: 100_000_000),
        ], Remote(("unchanged-big.bin", Entry(size: 100_000_000, headers: Css))), true);

        Assert.Equal(["huge.wasm", "a-medium.js", "b-medium.js", "small.js", "unchanged-big.bin"], plan.Actions.Select(a => a.Key));
    }

    [Fact]
    public void Unchanged_files_are_not_in_the_phases()
    {
        var plan = Plan([Local("a.css"), Local("b.css", content: "b")], Remote(("a.css", Entry(headers: Css))), true);

        Assert.Equal(["b.css"], plan.Phases.SelectMany(p => p).Select(a => a.Key));
        Assert.Equal(100, plan.UploadBytes);
    }

    [Theory]
    [InlineData("aaaa", "AAAA", true)]
    [InlineData("aaaa", "bbbb", false)]
    public void SameContent_compares_md5_when_the_entry_has_one(string localContent, string entryContent, bool expected)
    {
        // The entry's ETag is ignored when it has an MD5 (e.g. it was uploaded multipart).
        var entry = Entry(content: entryContent, etag: "ffffffffffffffffffffffffffffffff-2");
        Assert.Equal(expected, SyncPlanner.SameContent(Local("k", content: localContent), entry));
    }

    [Fact]
    public void SameContent_without_md5_compares_the_etag_with_the_local_md5()
    {
        var listed = Entry(content: null, etag: $"\"{Md5Of("a").ToUpperInvariant()}\"");

        Assert.True(SyncPlanner.SameContent(Local("k", content: "a"), listed));
        Assert.False(SyncPlanner.SameContent(Local("k", content: "b"), listed));
    }

    [Fact]
    public void SameContent_without_md5_compares_the_etag_with_the_local_multipart_etag()
    {
        const string multipart = "0123456789abcdef0123456789abcdef-3";
        var listed = Entry(content: null, etag: multipart);

        Assert.True(SyncPlanner.SameContent(Local("k", content: "a", etag: multipart), listed));
        Assert.False(SyncPlanner.SameContent(Local("k", content: "a", etag: "0123456789abcdef0123456789abcdef-4"), listed));
    }

    [Fact]
    public void SameContent_is_false_when_the_size_differs()
    {
        Assert.False(SyncPlanner.SameContent(Local("k", size: 101), Entry(size: 100)));
        Assert.False(SyncPlanner.SameContent(Local("k", size: 101), Entry(size: 100, content: null, etag: Md5Of("a"))));
    }

    [Fact]
    public void Listing_derived_entry_with_matching_etag_and_known_headers_is_unchanged()
    {
        var listed = Entry(content: null, etag: Md5Of("a"), headers: Css);
        var plan = Plan([Local("a.css")], Remote(("a.css", listed)), true);

        Assert.Equal(SyncActionKind.Unchanged, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Keys_differing_only_in_case_are_different_objects()
    {
        var plan = Plan([Local("A.css", content: "b")], Remote(("a.css", Entry(headers: Css))), true);

        Assert.Equal(SyncActionKind.Upload, Single(plan, "A.css").Kind);
        Assert.Equal(SyncActionKind.Delete, Single(plan, "a.css").Kind);
    }

    [Fact]
    public void Immutable_assets_go_before_other_assets()
    {
        var plan = Plan([Local("site.css"), Local("app.3f2a1.css", headers: Fingerprinted), Local("index.html", entryFile: true)],
            Remote(), true);

        Assert.Equal([SyncPhase.ImmutableAssets, SyncPhase.Assets, SyncPhase.EntryFiles], plan.Phases.Select(p => p.Key));
        Assert.Equal(SyncPhase.ImmutableAssets, Single(plan, "app.3f2a1.css").Phase);
    }

    public static TheoryData<int, int, int, bool> GraceByDeploys => new()
    {
        // afterDeploys, removedAtDeploy, currentDeploy, deleted
        { 0, 5, 5, true },
        { 2, 5, 5, false },
        { 2, 5, 6, false },
        { 2, 5, 7, false },
        { 2, 5, 8, true },
    };

    [Theory]
    [MemberData(nameof(GraceByDeploys))]
    public void Removed_key_is_kept_for_the_given_number_of_further_deploys(int afterDeploys, int removedAtDeploy, int currentDeploy, bool deleted)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var previous = Entry() with { RemovedAt = removedAtDeploy == currentDeploy ? null : now, RemovedAtDeploy = removedAtDeploy == currentDeploy ? null : removedAtDeploy };

        var plan = Plan([], Remote(("old.js", previous)), new DeletePolicy(true, afterDeploys, TimeSpan.Zero, currentDeploy, now));

        var action = Assert.Single(plan.Actions);
        Assert.Equal(deleted ? SyncActionKind.Delete : SyncActionKind.Retain, action.Kind);
        Assert.Equal(deleted ? SyncReason.Removed : SyncReason.InGracePeriod, action.Reason);
        Assert.Equal(deleted ? 1 : 0, plan.Changes.Count());
    }

    [Theory]
    [InlineData(23, false)]
    [InlineData(24, true)]
    public void Removed_key_is_kept_until_the_given_age(int hoursAgo, bool deleted)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var previous = Entry() with { RemovedAt = now.AddHours(-hoursAgo), RemovedAtDeploy = 1 };

        var plan = Plan([], Remote(("old.js", previous)), new DeletePolicy(true, 0, TimeSpan.FromHours(24), 9, now));

        Assert.Equal(deleted ? SyncActionKind.Delete : SyncActionKind.Retain, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Key_that_reappears_during_its_grace_period_is_an_ordinary_local_file_again()
    {
        var previous = Entry(headers: Css) with { RemovedAt = DateTimeOffset.UnixEpoch, RemovedAtDeploy = 1 };

        var plan = Plan([Local("a.css")], Remote(("a.css", previous)), new DeletePolicy(true, 5, TimeSpan.Zero, 2, DateTimeOffset.UnixEpoch));

        Assert.Equal(SyncActionKind.Unchanged, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void A_header_change_is_a_copy_conditional_on_the_recorded_ETag_with_an_upload_as_its_fallback()
    {
        var previous = Entry(headers: Css, etag: "\"ABCDEF\"") with { Md5 = Md5Of("a") };

        var action = Single(SyncPlanner.Plan([Local("a.css", headers: Fingerprinted)], Remote(("a.css", previous)),
            DeletePolicy.Immediate, StoreCapabilities.S3), "a.css");

        Assert.Equal((SyncActionKind.UpdateMetadata, SyncReason.HeadersChanged, "abcdef"), (action.Kind, action.Reason, action.IfETag));
        Assert.Equal((SyncActionKind.Upload, SyncReason.ChangedInBucket, (string?)null),
            (action.Fallback!.Kind, action.Fallback.Reason, action.Fallback.IfETag));
        Assert.Contains("copy if ETag is \"abcdef\", else upload", action.ToString());
    }

    [Fact]
    public void A_header_change_on_a_store_without_copy_is_planned_as_an_upload()
    {
        var plan = SyncPlanner.Plan([Local("a.css", headers: Fingerprinted)], Remote(("a.css", Entry(headers: Css))),
            DeletePolicy.Immediate, StoreCapabilities.NoCopy);

        var action = Single(plan, "a.css");
        Assert.Equal((SyncActionKind.Upload, SyncReason.HeadersChanged), (action.Kind, action.Reason));
        Assert.Null(action.Fallback);
        Assert.Equal(100, plan.UploadBytes);
    }

    [Theory]
    [InlineData(StoreCapabilities.S3MaxCopySize, SyncActionKind.UpdateMetadata)]
    [InlineData(StoreCapabilities.S3MaxCopySize + 1, SyncActionKind.Upload)]
    public void A_header_change_above_the_copy_limit_is_planned_as_an_upload(long size, SyncActionKind expected)
    {
        var plan = SyncPlanner.Plan([Local("big.bin", size: size, headers: Fingerprinted)],
            Remote(("big.bin", Entry(size: size, headers: Css))), DeletePolicy.Immediate, StoreCapabilities.S3);

        Assert.Equal(expected, Single(plan, "big.bin").Kind);
    }

    [Fact]
    public void A_header_change_of_an_object_without_a_recorded_ETag_is_an_upload_never_an_unconditional_copy()
    {
        var previous = Entry(headers: Css) with { ETag = "" };

        var action = Single(SyncPlanner.Plan([Local("a.css", headers: Fingerprinted)], Remote(("a.css", previous)),
            DeletePolicy.Immediate, StoreCapabilities.S3), "a.css");

        Assert.Equal(SyncActionKind.Upload, action.Kind);
    }

    [Theory]
    [InlineData("other/a.css")]
    [InlineData("site")]
    [InlineData("site/")]
    [InlineData("sitex/a.css")]
    [InlineData("site/.staticoffload/state.json.gz")]
    [InlineData("site/../a.css")]
    [InlineData("site/./a.css")]
    [InlineData("site//a.css")]
    [InlineData("site/a\u0001.css")]
    [InlineData("/site/a.css")]
    public void Nothing_outside_the_prefix_or_outside_the_key_rule_is_ever_deleted(string key)
    {
        var plan = SyncPlanner.Plan([Local("site/kept.css")], Remote((key, Entry()), ("site/gone.css", Entry())),
            new DeletePolicy(true, 0, TimeSpan.Zero, 1, DateTimeOffset.UnixEpoch, "site/"), StoreCapabilities.S3);

        Assert.Equal(["site/gone.css"], plan.Actions.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
    }
}
