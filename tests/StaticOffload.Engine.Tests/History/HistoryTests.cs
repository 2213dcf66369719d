using System.Text;
using StaticOffload.Coordination;
using StaticOffload.History;

namespace StaticOffload.Tests.History;

public class HistoryTests
{
    private const string Site = "s3://bucket/site/";

    private static DeployRecord Record(string id, string kind = DeployRecord.DeployKind, string? restored = null) =>
        new(id, new DateTimeOffset(2026, 11, 29, 6, 31, 2, TimeSpan.Zero), kind, new DeployIdentity("agent-7"), "0123456789abcdef0123", 3, 1, 2, 104, true, restored);

    [Theory]
    [InlineData("20261129-063102-3f2a", true)]
    [InlineData("20261129-063102-3F2A", false)]
    [InlineData("20261129-063102-3f2", false)]
    [InlineData("20261129_063102-3f2a", false)]
    [InlineData("../../state.json.gz1", false)]
    [InlineData("2026112x-063102-3f2a", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_ids_the_package_makes_are_valid(string? id, bool valid)
    {
        Assert.Equal(valid, DeployRecord.IsValidId(id));
    }

    [Fact]
    public void New_ids_are_valid_and_sort_by_time()
    {
        var first = DeployRecord.NewId(new DateTimeOffset(2026, 11, 29, 6, 31, 2, TimeSpan.Zero));
        var second = DeployRecord.NewId(new DateTimeOffset(2026, 11, 29, 6, 31, 3, TimeSpan.Zero));

        Assert.True(DeployRecord.IsValidId(first));
        Assert.StartsWith("20261129-063102-", first, StringComparison.Ordinal);
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Fact]
    public void Adding_keeps_the_newest_first_and_drops_what_is_beyond_the_depth()
    {
        var history = HistoryDocument.Empty(Site);
        for (var i = 0; i < 4; i++)
        {
            (history, _) = history.Add(Record($"20261129-06310{i}-aaaa"), depth: 5);
        }

        var (kept, dropped) = history.Add(Record("20261129-063105-bbbb"), depth: 3);

        Assert.Equal(["20261129-063105-bbbb", "20261129-063103-aaaa", "20261129-063102-aaaa"], kept.Deploys.Select(d => d.Id));
        Assert.Equal(["20261129-063101-aaaa", "20261129-063100-aaaa"], dropped.Select(d => d.Id));
    }

    [Fact]
    public void A_history_round_trips()
    {
        var (history, _) = HistoryDocument.Empty(Site).Add(Record("20261129-063102-3f2a", DeployRecord.RollbackKind, "20261128-120000-0000"), 20);

        var read = HistoryDocument.Parse(history.Serialize(), Site, out var problem);

        Assert.Null(problem);
        Assert.Equal(history.Deploys, read!.Deploys);
    }

    public static TheoryData<string, string> Untrusted => new()
    {
        { "{", "it is not a JSON deploy history" },
        { """{"version":2,"deploys":[]}""", "format version 2" },
        { """{"version":1,"destination":"s3://other/","deploys":[]}""", "the history of s3://other/" },
        { """{"version":1}""", "it has no deploys" },
        { """{"version":1,"deploys":[{"id":"../../x","time":"2026-11-29T06:31:02Z","kind":"deploy","by":{"host":"h"}}]}""", "is not a valid record" },
        { """{"version":1,"deploys":[{"id":"20261129-063102-3f2a","time":"2026-11-29T06:31:02Z","kind":"deploy","by":{"host":"h"},"uploaded":-1}]}""", "is not a valid record" },
        { """{"version":1,"deploys":[{"id":"20261129-063102-3f2a","time":"2026-11-29T06:31:02Z","kind":"deploy","by":{"host":"h"},"restoredId":"x/../y"}]}""", "is not a valid record" },
        { """{"version":1,"deploys":[null]}""", "is not a valid record" },
    };

    [Theory]
    [MemberData(nameof(Untrusted))]
    public void A_history_that_is_not_one_this_package_wrote_is_refused_with_the_reason(string json, string reason)
    {
        Assert.Null(HistoryDocument.Parse(Encoding.UTF8.GetBytes(json), Site, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_marks_the_live_deploy_and_says_how_to_roll_back()
    {
        var (history, _) = HistoryDocument.Empty(Site).Add(Record("20261128-120000-0000"), 20);
        (history, _) = history.Add(Record("20261129-063102-3f2a", DeployRecord.RollbackKind, "20261128-120000-0000"), 20);

        var lines = HistoryTable.Lines(history, Site);

        Assert.Equal("StaticOffload: deploy history of s3://bucket/site/, newest first (2 kept):", lines[0]);
        Assert.Equal("        Id                    Time (UTC)           Kind                              Revision      Uploaded  Updated  Deleted  Objects  Versions  By", lines[1]);
        Assert.Equal("  live  20261129-063102-3f2a  2026-11-29 06:31:02  rollback to 20261128-120000-0000  0123456789ab         3        1        2      104  pinned    'agent-7'", lines[2]);
        Assert.Equal("        20261128-120000-0000  2026-11-29 06:31:02  deploy                            0123456789ab         3        1        2      104  pinned    'agent-7'", lines[3]);
        Assert.Contains("-t:StaticOffloadRollback", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_history_says_so()
    {
        Assert.Equal(["StaticOffload: s3://bucket/site/ has no recorded deploys yet."], HistoryTable.Lines(null, Site));
    }

    [Theory]
    [InlineData("site/.staticoffload/state.json.gz", "site/.staticoffload/lease.json", "site/.staticoffload/history.json", "site/.staticoffload/deploys/20261129-063102-3f2a.json.gz")]
    [InlineData(".staticoffload/state.json.gz", ".staticoffload/lease.json", ".staticoffload/history.json", ".staticoffload/deploys/20261129-063102-3f2a.json.gz")]
    [InlineData("states/site.json.gz", "states/site.json.gz.lease.json", "states/site.json.gz.history.json", "states/site.json.gz.deploys/20261129-063102-3f2a.json.gz")]
    public void Lease_history_and_manifests_live_beside_the_state(string stateKey, string lease, string history, string manifest)
    {
        Assert.Equal(lease, CoordinationKeys.Lease(stateKey));
        Assert.Equal(history, CoordinationKeys.History(stateKey));
        Assert.Equal(manifest, CoordinationKeys.Manifest(stateKey, "20261129-063102-3f2a"));
    }
}
