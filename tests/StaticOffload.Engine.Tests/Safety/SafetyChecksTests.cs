using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Safety;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Safety;

public class SafetyChecksTests
{
    private static readonly ObjectHeaders Css = new("text/css", "no-cache");

    private static SyncAction Delete(string key, bool known = true) => new(SyncActionKind.Delete, SyncReason.Removed,
        SyncPhase.Deletions, key, null, known ? new SnapshotEntry { Md5 = "m", ETag = "m", Headers = Css } : new SnapshotEntry { ETag = "e" });

    private static SyncAction Upload(string key) => new(SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets, key,
        new LocalFile(key, "/p/" + key, 1, 1, new ContentDigest(1, "m", "s", "m"), Css, false), null);

    private static SafetyInput Run(int localFiles, IEnumerable<SyncAction> actions, string prefix = "site/", bool allowRootDelete = false,
        int maxDeletes = 256) =>
        new(new SyncPlan(actions.ToArray()), "s3://b/site/", prefix, localFiles, allowRootDelete, maxDeletes);

    [Theory]
    // localFiles, previousLive, deleteRemoved, allowShrink -> error
    [InlineData(4, 10, true, false, true)]
    [InlineData(5, 10, true, false, false)]
    [InlineData(4, 9, true, false, false)]
    [InlineData(4, 10, false, false, false)]
    [InlineData(4, 10, true, true, false)]
    [InlineData(0, 1000, true, false, true)]
    public void A_publish_output_that_shrank_to_under_half_is_refused_before_planning(int localFiles, int previousLive,
        bool deleteRemoved, bool allowShrink, bool refused)
    {
        var problem = SafetyChecks.Shrink("s3://b/site/", localFiles, previousLive, deleteRemoved, allowShrink);

        Assert.Equal(refused ? "SO1022" : null, problem?.Code);
    }

    public static TheoryData<string, SafetyInput, string?> Plans => new()
    {
        { "nothing to do", Run(3, [Upload("site/a.css")]), null },
        { "empty source would delete all", Run(0, [Delete("site/a.css")]), "SO1012" },
        { "empty source, empty bucket", Run(0, []), "SO2003" },
        { "unknown objects at the root", Run(2, [Delete("x.txt", known: false)], prefix: ""), "SO1025" },
        { "unknown objects at the root, allowed", Run(2, [Delete("x.txt", known: false)], prefix: "", allowRootDelete: true), null },
        { "own objects at the root", Run(2, [Delete("x.txt")], prefix: ""), null },
        { "unknown objects below a prefix", Run(2, [Delete("site/x.txt", known: false)]), null },
        { "more deletes than allowed", Run(2, [Delete("site/a"), Delete("site/b")], maxDeletes: 1), "SO1010" },
        { "as many deletes as allowed", Run(2, [Delete("site/a"), Delete("site/b")], maxDeletes: 2), null },
        { "empty source wins over max deletes", Run(0, [Delete("site/a"), Delete("site/b")], maxDeletes: 1), "SO1012" },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_plan_is_refused_or_let_through_as_a_whole(string why, SafetyInput run, string? code)
    {
        var problems = SafetyChecks.Plan(run);

        Assert.True((code is null ? 0 : 1) == problems.Count, why);
        Assert.Equal(code, problems.SingleOrDefault()?.Code);
    }
}
