using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StaticOffload.History;
using StaticOffload.Planning;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Coordination;

/// <summary>The deploy history and one-command rollback, against moto's server, which keeps object versions.</summary>
[Collection(MotoCollection.Name)]
public sealed class HistoryAndRollbackOnMotoTests(MotoServerFixture moto)
{
    private async Task<string> VersionedBucketAsync(string purpose)
    {
        var bucket = await moto.CreateBucketAsync(purpose);
        await moto.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        return bucket;
    }

    private async Task<string> BodyAsync(string bucket, string key) => Encoding.UTF8.GetString((await moto.GetAsync(bucket, key)).Body);

    private async Task<string[]> KeysAsync(string bucket) =>
        (await moto.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Deploy 1: a page and its stylesheet. Deploy 2: a new page, a new stylesheet, the old one gone.</summary>
    private static async Task<(DeployRecord First, DeployRecord Second)> TwoDeploysAsync(EngineHarness harness)
    {
        harness.Write("index.html", "<html>one<link href=\"css/a.css\"></html>");
        harness.Write("css/a.css", "a{}");
        await harness.SyncSucceededAsync();
        harness.Write("index.html", "<html>two<link href=\"css/b.css\"></html>");
        harness.Write("css/b.css", "b{}");
        File.Delete(Path.Combine(harness.Root, "css", "a.css"));
        await harness.SyncSucceededAsync();
        var history = (await harness.HistoryAsync())!;
        return (history.Deploys[1], history.Deploys[0]);
    }

    [Fact]
    public async Task Each_deploy_that_changed_something_is_recorded_newest_first_keeping_the_history_depth()
    {
        var bucket = await moto.CreateBucketAsync("history");
        using var harness = new EngineHarness(moto, bucket, "site/") { HistoryDepth = 2 };
        harness.Identity = new StaticOffload.Coordination.DeployIdentity("agent-7", Ci: "GitHub Actions", RunId: "4242", Revision: "0123abc");
        harness.Write("index.html", "<html>1</html>");
        await harness.SyncSucceededAsync();
        harness.Write("index.html", "<html>2</html>");
        harness.Write("about.html", "<html>about</html>");
        await harness.SyncSucceededAsync();
        await harness.SyncSucceededAsync(); // nothing changed: not recorded
        File.Delete(Path.Combine(harness.Root, "about.html"));
        await harness.SyncSucceededAsync();

        var history = (await harness.HistoryAsync())!;

        Assert.Equal(2, history.Deploys.Count);
        // Newest first: the live deploy deleted a page, the one before it uploaded two.
        var (live, before) = (history.Deploys[0], history.Deploys[1]);
        Assert.Equal((0, 0, 1, 1), (live.Uploaded, live.Updated, live.Deleted, live.Objects));
        Assert.Equal((2, 0, 0, 2), (before.Uploaded, before.Updated, before.Deleted, before.Objects));
        Assert.Equal(("deploy", "0123abc", "GitHub Actions", "4242"), (live.Kind, live.Revision, live.By.Ci, live.By.RunId));
        Assert.False(live.Versioned);
        // The manifest of the deploy beyond the depth is gone; the kept ones are there.
        var manifests = (await moto.ListAsync(bucket, "site/.staticoffload/deploys/", includeState: true)).Select(o => o.Key).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { $"site/.staticoffload/deploys/{before.Id}.json.gz", $"site/.staticoffload/deploys/{live.Id}.json.gz" }.Order(StringComparer.Ordinal), manifests);
        // The live deploy's manifest is the state it wrote, byte for byte: serialized once, written twice.
        Assert.Equal((await moto.GetAsync(bucket, "site/.staticoffload/state.json.gz")).Body,
            (await moto.GetAsync(bucket, $"site/.staticoffload/deploys/{live.Id}.json.gz")).Body);
    }

    [Fact]
    public async Task A_rollback_restores_the_previous_deploy_from_its_versions_and_a_second_rollback_restores_the_rolled_back_one()
    {
        var bucket = await VersionedBucketAsync("rollback");
        using var harness = new EngineHarness(moto, bucket, "site/");
        var (first, second) = await TwoDeploysAsync(harness);
        Assert.True(second.Versioned);

        var rolledBack = await harness.RollbackAsync();

        Assert.True(rolledBack.Succeeded, string.Join("\n", rolledBack.Diagnostics));
        Assert.Equal(["site/css/a.css", "site/index.html"], await KeysAsync(bucket));
        Assert.Equal("<html>one<link href=\"css/a.css\"></html>", await BodyAsync(bucket, "site/index.html"));
        Assert.Equal("a{}", await BodyAsync(bucket, "site/css/a.css"));
        Assert.Equal("text/html", (await moto.GetAsync(bucket, "site/index.html")).Response.Headers.ContentType);
        // Safe order: the stylesheet is back before the page that links it, and the new one goes last.
        Assert.Equal(
            [(SyncActionKind.Copy, "site/css/a.css"), (SyncActionKind.Copy, "site/index.html"), (SyncActionKind.Delete, "site/css/b.css")],
            rolledBack.Completed.Select(a => (a.Kind, a.Key)));
        Assert.Equal(["/site/", "/site/css/b.css", "/site/index.html"], rolledBack.InvalidationPaths);
        var history = (await harness.HistoryAsync())!;
        Assert.Equal((DeployRecord.RollbackKind, first.Id), (history.Deploys[0].Kind, history.Deploys[0].RestoredId));

        var again = await harness.RollbackAsync();

        Assert.True(again.Succeeded, string.Join("\n", again.Diagnostics));
        Assert.Equal(["site/css/b.css", "site/index.html"], await KeysAsync(bucket));
        Assert.Equal("<html>two<link href=\"css/b.css\"></html>", await BodyAsync(bucket, "site/index.html"));
        Assert.Equal(second.Id, (await harness.HistoryAsync())!.Deploys[0].RestoredId);

        // A fresh CI clone of the rolled-forward source converges with no upload.
        using var fresh = new EngineHarness(moto, bucket, "site/");
        fresh.Write("index.html", "<html>two<link href=\"css/b.css\"></html>");
        fresh.Write("css/b.css", "b{}");
        var converged = await fresh.SyncSucceededAsync();
        Assert.Empty(converged.Completed);
    }

    [Fact]
    public async Task After_a_rollback_the_next_publish_deploys_the_build_again_and_a_fresh_clone_uploads_nothing_unchanged()
    {
        var bucket = await VersionedBucketAsync("rollforward");
        using var harness = new EngineHarness(moto, bucket, "site/");
        await TwoDeploysAsync(harness);
        await harness.RollbackAsync();

        var publish = await harness.SyncSucceededAsync();

        Assert.Equal(["site/css/b.css", "site/index.html"], publish.Completed.Where(a => a.Kind == SyncActionKind.Upload).Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["site/css/a.css"], publish.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
        using var fresh = new EngineHarness(moto, bucket, "site/");
        fresh.Write("index.html", "<html>two<link href=\"css/b.css\"></html>");
        fresh.Write("css/b.css", "b{}");
        Assert.Empty((await fresh.SyncSucceededAsync()).Completed);
    }

    [Fact]
    public async Task A_dry_run_rollback_prints_the_plan_and_changes_nothing()
    {
        var bucket = await VersionedBucketAsync("rollbackdry");
        using var harness = new EngineHarness(moto, bucket, "site/");
        var (first, _) = await TwoDeploysAsync(harness);
        harness.Messages.Clear();

        var result = await harness.RollbackAsync(dryRun: true);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(result.DryRun);
        Assert.Empty(result.Completed);
        Assert.Contains(harness.Messages, m => m.StartsWith($"StaticOffload: dry run, nothing is changed. Plan to roll s3://{bucket}/site/", StringComparison.Ordinal) && m.Contains(first.Id, StringComparison.Ordinal));
        Assert.Contains(harness.Messages, m => m.Contains($"(dry run) restore: s3://{bucket}/site/index.html (RolledBack, from version ", StringComparison.Ordinal));
        Assert.Contains(harness.Messages, m => m.Contains($"(dry run) delete: s3://{bucket}/site/css/b.css (RolledBack)", StringComparison.Ordinal));
        Assert.Equal(["site/css/b.css", "site/index.html"], await KeysAsync(bucket));
        Assert.Equal(2, (await harness.HistoryAsync())!.Deploys.Count);
    }

    [Fact]
    public async Task On_an_unversioned_bucket_a_rollback_that_needs_lost_content_fails_with_SO1038_and_changes_nothing()
    {
        var bucket = await moto.CreateBucketAsync("rollbacknoversions");
        using var harness = new EngineHarness(moto, bucket, "site/");
        await TwoDeploysAsync(harness);

        var result = await harness.RollbackAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Code == "SO1038");
        Assert.Contains("'site/index.html'", error.Message);
        Assert.Contains($"aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled", error.Message);
        Assert.Empty(result.Completed);
        Assert.Equal("<html>two<link href=\"css/b.css\"></html>", await BodyAsync(bucket, "site/index.html"));
        Assert.Equal(["site/css/b.css", "site/index.html"], await KeysAsync(bucket));
    }

    [Fact]
    public async Task On_an_unversioned_bucket_a_rollback_works_when_every_object_it_needs_is_still_live()
    {
        var bucket = await moto.CreateBucketAsync("rollbackgrace");
        using var harness = new EngineHarness(moto, bucket, "site/") { DeleteAfterDeploys = 3 };
        harness.Write("index.html", "<html>same</html>");
        harness.Write("css/app.1.css", "a{}");
        await harness.SyncSucceededAsync();
        File.Delete(Path.Combine(harness.Root, "css", "app.1.css"));
        harness.Write("css/app.2.css", "b{}");
        await harness.SyncSucceededAsync();

        var result = await harness.RollbackAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal([(SyncActionKind.Delete, "site/css/app.2.css")], result.Completed.Select(a => (a.Kind, a.Key)));
        Assert.Equal(["site/css/app.1.css", "site/index.html"], await KeysAsync(bucket));
    }

    [Theory]
    [InlineData("20200101-000000-0000", "no recorded deploy has the id '20200101-000000-0000'")]
    [InlineData("../state", "'../state' is not a deploy id")]
    public async Task A_rollback_to_an_id_not_in_the_history_fails_with_SO1039(string to, string reason)
    {
        var bucket = await VersionedBucketAsync("rollbackunknown");
        using var harness = new EngineHarness(moto, bucket, "site/");
        await TwoDeploysAsync(harness);

        var result = await harness.RollbackAsync(to);

        var error = Assert.Single(result.Diagnostics, d => d.Code == "SO1039");
        Assert.Contains(reason, error.Message);
        Assert.Contains("-t:StaticOffloadHistory", error.Message);
        Assert.Empty(result.Completed);
    }

    [Fact]
    public async Task A_rollback_with_only_the_live_deploy_recorded_fails_with_SO1039()
    {
        var bucket = await VersionedBucketAsync("rollbackone");
        using var harness = new EngineHarness(moto, bucket, "site/");
        harness.Write("index.html", "<html>1</html>");
        await harness.SyncSucceededAsync();

        var result = await harness.RollbackAsync();

        Assert.Contains("its history holds only the live deploy", Assert.Single(result.Diagnostics, d => d.Code == "SO1039").Message);
    }
}
