using System.Text;
using Amazon.S3.Model;
using StaticOffload.Coordination;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Coordination;

/// <summary>
/// Deploys coordinated through the bucket itself, against moto's server, which honours S3's conditional writes: the
/// deploy lease, the state's compare-and-swap, and the reconciliation of a deploy whose snapshot is older than the bucket.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class CoordinationOnMotoTests(MotoServerFixture moto)
{
    private const string LeaseKey = "site/.staticoffload/lease.json";
    private const string StateKey = "site/.staticoffload/state.json.gz";

    private async Task<EngineHarness> SiteAsync(string purpose, string? bucket = null)
    {
        bucket ??= await moto.CreateBucketAsync(purpose);
        var harness = new EngineHarness(moto, bucket, "site/");
        harness.Write("index.html", "<html><link href=\"css/a.css\"></html>");
        harness.Write("css/a.css", "a{}");
        return harness;
    }

    private async Task PutLeaseAsync(string bucket, string holderHost, DateTimeOffset until)
    {
        var lease = new LeaseDocument(LeaseDocument.CurrentVersion, "other-token", "deploy",
            new DeployIdentity(holderHost, Ci: "GitHub Actions", RunId: "99", RunUrl: "https://github.com/contoso/site/actions/runs/99"),
            until - TimeSpan.FromMinutes(2), until);
        await moto.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = LeaseKey, InputStream = new MemoryStream(lease.Serialize()), ContentType = "application/json",
        });
    }

    private async Task<bool> ExistsAsync(string bucket, string key) =>
        (await moto.ListAsync(bucket, includeState: true)).Any(o => o.Key == key);

    [Fact]
    public async Task A_deploy_takes_the_lease_and_releases_it_and_a_no_change_run_takes_none()
    {
        using var harness = await SiteAsync("leasecycle");

        var first = await harness.SyncSucceededAsync();

        Assert.Equal(2, first.CompletedCount(SyncActionKind.Upload));
        Assert.DoesNotContain(first.Diagnostics, d => d.Code is "SO2011" or "SO2012");
        Assert.Contains(harness.Messages, m => m.StartsWith("StaticOffload: took the deploy lease site/.staticoffload/lease.json", StringComparison.Ordinal));
        Assert.Contains(harness.Messages, m => m.StartsWith("StaticOffload: released the deploy lease", StringComparison.Ordinal));
        Assert.False(await ExistsAsync(harness.Bucket, LeaseKey));

        harness.Messages.Clear();
        var again = await harness.SyncSucceededAsync();

        Assert.Empty(again.Completed);
        Assert.DoesNotContain(harness.Messages, m => m.Contains("deploy lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deploy_that_finds_the_lease_held_waits_then_fails_naming_the_holder_and_changes_nothing()
    {
        using var harness = await SiteAsync("leaseheld");
        await PutLeaseAsync(harness.Bucket, "build-agent-3", DateTimeOffset.UtcNow.AddHours(1));
        harness.LockTimeout = TimeSpan.FromSeconds(2);

        var started = DateTime.UtcNow;
        var result = await harness.SyncAsync();

        Assert.False(result.Succeeded);
        var held = Assert.Single(result.Diagnostics, d => d.Code == "SO1034");
        Assert.Contains("'build-agent-3' (GitHub Actions run 99: https://github.com/contoso/site/actions/runs/99), deploying since", held.Message);
        Assert.Contains("StaticOffloadLockTimeout", held.Message);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2));
        Assert.Contains(harness.Messages, m => m.StartsWith("StaticOffload: another deploy holds the lease: 'build-agent-3'", StringComparison.Ordinal));
        Assert.Empty(result.Completed);
        Assert.Empty(await moto.ListAsync(harness.Bucket));
        Assert.True(await ExistsAsync(harness.Bucket, LeaseKey), "the other deploy's lease is left to it");
    }

    [Fact]
    public async Task A_deploy_waits_for_a_lease_released_while_it_waits_then_runs()
    {
        using var harness = await SiteAsync("leasewait");
        await PutLeaseAsync(harness.Bucket, "build-agent-3", DateTimeOffset.UtcNow.AddHours(1));
        harness.LockTimeout = TimeSpan.FromSeconds(60);

        var sync = harness.SyncAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(sync.IsCompleted);
        await moto.Client.DeleteObjectAsync(harness.Bucket, LeaseKey);
        var result = await sync;

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(2, result.CompletedCount(SyncActionKind.Upload));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "SO2012");
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_conditionally_and_the_takeover_is_reported()
    {
        using var harness = await SiteAsync("leaseexpired");
        await PutLeaseAsync(harness.Bucket, "dead-agent", DateTimeOffset.UtcNow.AddMinutes(-5));

        var result = await harness.SyncSucceededAsync();

        var takeover = Assert.Single(result.Diagnostics, d => d.Code == "SO2012");
        Assert.Contains("of 'dead-agent' (GitHub Actions run 99", takeover.Message);
        Assert.Equal(2, result.CompletedCount(SyncActionKind.Upload));
        Assert.False(await ExistsAsync(harness.Bucket, LeaseKey));
    }

    [Fact]
    public async Task A_long_deploy_renews_its_lease_so_a_waiting_deploy_never_takes_it_over()
    {
        var bucket = await moto.CreateBucketAsync("leaserenew");
        await using var slow = new FaultProxy(moto.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(300) });
        using var first = await SiteAsync("", bucket);
        for (var i = 0; i < 24; i++)
        {
            first.Write($"css/f{i}.css", $"f{i}{{}}");
        }

        // About 8 s of uploads, one at a time: well over two lease durations, so only renewals keep it.
        first.EndpointOverride = slow.Endpoint;
        first.Concurrency = 1;
        first.LeaseDuration = TimeSpan.FromSeconds(3);
        using var second = await SiteAsync("", bucket);
        second.LeaseDuration = TimeSpan.FromSeconds(3);
        second.LockTimeout = TimeSpan.FromSeconds(60);
        second.AllowShrink = true;
        second.Identity = new DeployIdentity("second-agent");

        var running = first.SyncAsync();
        while (!await ExistsAsync(bucket, LeaseKey))
        {
            await Task.Delay(50);
        }

        var waiting = second.SyncAsync();
        var firstResult = await running;
        var secondResult = await waiting;

        Assert.True(firstResult.Succeeded, string.Join("\n", firstResult.Diagnostics));
        Assert.True(secondResult.Succeeded, string.Join("\n", secondResult.Diagnostics));
        Assert.DoesNotContain(firstResult.Diagnostics.Concat(secondResult.Diagnostics), d => d.Code is "SO2012" or "SO1037" or "SO1035");
        Assert.Contains(second.Messages, m => m.StartsWith("StaticOffload: another deploy holds the lease: 'test-agent'", StringComparison.Ordinal));
        // The second deploy planned from the bucket its predecessor left: the 24 files it does not have are deleted.
        Assert.Equal(24, secondResult.CompletedCount(SyncActionKind.Delete));
    }

    [Fact]
    public async Task A_deploy_whose_snapshot_is_older_than_the_bucket_plans_again_from_the_bucket_under_the_lease()
    {
        var bucket = await moto.CreateBucketAsync("stalesnapshot");
        using var agentA = await SiteAsync("", bucket);
        using var agentB = await SiteAsync("", bucket);
        await agentA.SyncSucceededAsync();
        await agentB.SyncSucceededAsync();

        // B deploys a new page and drops the stylesheet; A, still believing its own last deploy, changes only its page.
        agentB.Write("index.html", "<html>B</html>");
        agentB.Write("about.html", "<html>about</html>");
        File.Delete(Path.Combine(agentB.Root, "css", "a.css"));
        await agentB.SyncSucceededAsync();
        agentA.Write("index.html", "<html>A</html>");
        var result = await agentA.SyncSucceededAsync();

        Assert.Contains(agentA.Messages, m => m.Contains("the bucket's sync state changed since this run's baseline (another deploy)", StringComparison.Ordinal));
        // Re-planned from the bucket: B's about.html is deleted (not in A's output), and a.css, which B deleted, is back.
        Assert.Equal(["site/about.html"], result.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
        Assert.Equal(["site/css/a.css", "site/index.html"], result.Completed.Where(a => a.Kind == SyncActionKind.Upload).Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["site/css/a.css", "site/index.html"], (await moto.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal));
        var state = RemoteState.Deserialize((await moto.GetAsync(bucket, StateKey)).Body)!;
        Assert.Equal(["site/css/a.css", "site/index.html"], state.Entries.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_state_written_by_someone_without_the_lease_during_a_deploy_is_never_overwritten()
    {
        var bucket = await moto.CreateBucketAsync("statecas");
        await using var slow = new FaultProxy(moto.Endpoint);
        using var harness = await SiteAsync("", bucket);
        harness.EndpointOverride = slow.Endpoint;
        await harness.SyncSucceededAsync();
        for (var i = 0; i < 8; i++)
        {
            harness.Write($"css/f{i}.css", $"f{i}{{}}");
        }

        slow.Profile = new FaultProfile { Latency = TimeSpan.FromMilliseconds(300) };
        harness.Concurrency = 1;
        harness.Messages.Clear();
        var running = harness.SyncAsync();
        // Mid-deploy: its first new file is in the bucket.
        while (!(await moto.ListAsync(bucket)).Any(o => o.Key.StartsWith("site/css/f", StringComparison.Ordinal)))
        {
            await Task.Delay(20);
        }

        // Another tool (or an old version of this package, which took no lease) replaces the state mid-deploy.
        var foreign = Encoding.UTF8.GetBytes("written by someone else");
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = StateKey, InputStream = new MemoryStream(foreign) });
        var result = await running;

        var conflict = Assert.Single(result.Diagnostics, d => d.Code == "SO1035");
        Assert.Contains("was not overwritten", conflict.Message);
        Assert.Equal(foreign, (await moto.GetAsync(bucket, StateKey)).Body);
        Assert.False(File.Exists(harness.SnapshotPath), "the snapshot no longer describes the bucket");

        // The next run lists the bucket and converges without uploading anything again.
        slow.Profile = FaultProfile.None;
        var next = await harness.SyncSucceededAsync();
        Assert.Equal(0, next.CompletedCount(SyncActionKind.Upload));
        Assert.Single(next.Diagnostics, d => d.Code == "SO2007");
    }
}
