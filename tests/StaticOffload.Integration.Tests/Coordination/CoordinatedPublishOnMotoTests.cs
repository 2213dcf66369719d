using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using StaticOffload.History;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Coordination;

/// <summary>
/// Real `dotnet publish` and `dotnet msbuild` runs of samples/WebApp, consuming the packed package, against moto's
/// server (which honours conditional writes and keeps object versions): two deploys racing on one prefix, the deploy
/// history and the one-command rollback, end to end.
/// </summary>
[Collection(MotoPublishCollection.Name)]
public sealed partial class CoordinatedPublishOnMotoTests(MotoServerFixture moto, PackageFeedFixture feed, ITestOutputHelper output)
{
    private const string Prefix = "site/";
    private const string LeaseKey = "site/.staticoffload/lease.json";
    private const string StateKey = "site/.staticoffload/state.json.gz";
    private const string HistoryKey = "site/.staticoffload/history.json";

    /// <summary>A version of the site: its own page text and its own stylesheet, linked from the page.</summary>
    private sealed record Release(string Heading, string Stylesheet, string Revision);

    private static readonly Release ReleaseA = new("Release A", "a-v1.css", "aaaa1111");
    private static readonly Release ReleaseB = new("Release B", "b-v2.css", "bbbb2222");

    /// <summary>A clone of the sample (its own folder, so its own obj/ snapshot) holding <paramref name="release"/>.</summary>
    private SampleProject Clone(Release release)
    {
        var project = SampleProject.Copy("WebApp", feed, moto);
        Apply(project, release);
        return project;
    }

    private static void Apply(SampleProject project, Release release)
    {
        var index = Path.Combine(project.WebRoot, "index.html");
        var sample = File.ReadAllText(Path.Combine(RepoPaths.Samples, "WebApp", "wwwroot", "index.html"));
        var page = sample
            .Replace("<h1>StaticOffload sample</h1>", $"<h1>{release.Heading}</h1>", StringComparison.Ordinal)
            .Replace("<link rel=\"stylesheet\" href=\"css/site.css\">",
                $"<link rel=\"stylesheet\" href=\"css/site.css\">\n  <link rel=\"stylesheet\" href=\"css/{release.Stylesheet}\">", StringComparison.Ordinal);
        Assert.Contains(release.Stylesheet, page, StringComparison.Ordinal);
        File.WriteAllText(index, page);
        foreach (var other in new[] { ReleaseA, ReleaseB }.Where(r => r != release))
        {
            File.Delete(Path.Combine(project.WebRoot, "css", other.Stylesheet));
        }

        File.WriteAllText(Path.Combine(project.WebRoot, "css", release.Stylesheet), $"h1 {{ content: \"{release.Heading}\"; }}");
    }

    [Fact]
    public async Task Two_publishes_racing_on_one_prefix_take_turns_and_leave_exactly_the_last_one_which_a_fresh_clone_does_not_reupload()
    {
        var bucket = await moto.CreateBucketAsync("race");
        using var first = Clone(ReleaseA);
        using var second = Clone(ReleaseB);
        // The first deploy is slowed, so it holds the lease for seconds. The second's requests are held back until the
        // first holds the lease: the two builds race, but which one deploys first is certain.
        var firstHoldsLease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = new FaultProxy(moto.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(150) });
        await using var held = new FaultProxy(moto.Endpoint, new FaultProfile { HoldUntil = firstHoldsLease.Task });
        var clock = Stopwatch.StartNew();

        var firstPublish = first.PublishThroughAsync(slow.Endpoint, bucket, "StaticOffloadConcurrency=2", $"SourceRevisionId={ReleaseA.Revision}");
        var secondPublish = second.PublishThroughAsync(held.Endpoint, bucket, $"SourceRevisionId={ReleaseB.Revision}");
        var leaseSeen = await WaitForLeaseAsync(bucket, firstPublish);
        firstHoldsLease.SetResult();
        var firstResult = (await firstPublish).EnsureSuccess();
        var secondResult = (await secondPublish).EnsureSuccess();
        output.WriteLine($"both publishes done in {clock.Elapsed.TotalSeconds:0.0} s; the first took the lease at {leaseSeen?.TotalSeconds:0.0} s");

        Assert.True(leaseSeen is not null, $"The first publish ended before its lease was seen in the bucket:\n{firstResult.Output}");

        // moto honours conditional writes: both deploys ran under the lease, neither fell back to an uncoordinated run.
        Assert.DoesNotContain("warning SO", firstResult.Output + secondResult.Output, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket}/{Prefix} at {slow.Endpoint} — 13 uploaded", firstResult.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("another deploy holds the lease", firstResult.Output, StringComparison.Ordinal);
        Assert.Contains("StaticOffload: another deploy holds the lease: ", secondResult.Output, StringComparison.Ordinal);
        Assert.Contains("the bucket's sync state changed since this run's baseline (another deploy); reading the bucket again and planning anew",
            secondResult.Output, StringComparison.Ordinal);
        // Planned anew from what the first left: its own page and stylesheet uploaded, the first's stylesheet deleted,
        // the files both share left alone.
        Assert.Matches($@"s3://{bucket}/{Prefix} at {Regex.Escape(held.Endpoint)} — 2 uploaded \([^)]*\), 0 metadata updated, 1 deleted, 11 unchanged",
            secondResult.Output);

        var history = await HistoryAsync(bucket);
        Assert.Equal([ReleaseB.Revision, ReleaseA.Revision], history.Deploys.Select(d => d.Revision));
        var live = await AssertBucketHoldsExactlyAsync(bucket, second.PublishedWebRoot);
        await AssertLivePageLinksOnlyLiveKeysAsync(bucket, live);
        Assert.DoesNotContain(await KeysAsync(bucket, includeState: true), k => k == LeaseKey);
        var state = RemoteState.Deserialize((await moto.GetAsync(bucket, StateKey)).Body);
        Assert.NotNull(state);
        Assert.Equal(live.Keys.Order(StringComparer.Ordinal), state.Entries.Keys.Order(StringComparer.Ordinal));

        // A fresh CI clone of the last deployer's source: no obj/, the state in the bucket vouches for every file.
        using var fresh = Clone(ReleaseB);
        var freshResult = (await fresh.PublishAsync(bucket, $"SourceRevisionId={ReleaseB.Revision}")).EnsureSuccess();

        Assert.Contains($"s3://{bucket}/{Prefix} at {moto.Endpoint} — 0 uploaded", freshResult.Output, StringComparison.Ordinal);
        Assert.Contains(", 0 metadata updated, 0 deleted, 13 unchanged", freshResult.Output, StringComparison.Ordinal);
        Assert.Equal(live, await ObjectsAsync(bucket));
        Assert.Equal(2, (await HistoryAsync(bucket)).Deploys.Count);
        Assert.DoesNotContain(await KeysAsync(bucket, includeState: true), k => k == LeaseKey);
        output.WriteLine($"with the fresh clone: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task History_lists_the_deploys_and_rollback_restores_the_previous_one_then_rolls_the_rollback_back_and_a_dry_run_changes_nothing()
    {
        var bucket = await moto.CreateBucketAsync("rollback");
        await moto.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var clock = Stopwatch.StartNew();
        using var project = Clone(ReleaseA);
        (await project.PublishAsync(bucket, $"SourceRevisionId={ReleaseA.Revision}")).EnsureSuccess();
        var deployedA = await ObjectsAsync(bucket);
        var pageA = await BodyAsync(bucket, "site/index.html");
        Apply(project, ReleaseB);
        (await project.PublishAsync(bucket, $"SourceRevisionId={ReleaseB.Revision}")).EnsureSuccess();
        var deployedB = await ObjectsAsync(bucket);
        var pageB = await BodyAsync(bucket, "site/index.html");
        Assert.Contains("<h1>Release A</h1>", pageA, StringComparison.Ordinal);
        Assert.Contains("<h1>Release B</h1>", pageB, StringComparison.Ordinal);
        Assert.Contains("site/css/a-v1.css", deployedA.Keys);
        Assert.Contains("site/css/b-v2.css", deployedB.Keys);
        Assert.DoesNotContain("site/css/a-v1.css", deployedB.Keys);
        var deploys = (await HistoryAsync(bucket)).Deploys;
        var (idB, idA) = (deploys[0].Id, deploys[1].Id);
        output.WriteLine($"two publishes: {clock.Elapsed.TotalSeconds:0.0} s");

        var table = (await project.RunTargetAsync("StaticOffloadHistory", bucket)).EnsureSuccess();

        Assert.Contains($"StaticOffload: deploy history of s3://{bucket}/{Prefix} at {moto.Endpoint}, newest first (2 kept):", table.Output, StringComparison.Ordinal);
        var lines = table.Output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Single(lines, l => HeaderLine().IsMatch(l));
        var liveRow = Assert.Single(lines, l => l.Contains(idB, StringComparison.Ordinal));
        Assert.Matches($@"^\s*live  {idB}  \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  deploy\s+{ReleaseB.Revision}\s+2\s+0\s+1\s+13  pinned\s+'", liveRow);
        var earlierRow = Assert.Single(lines, l => l.Contains(idA, StringComparison.Ordinal));
        Assert.Matches($@"^\s*{idA}  \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  deploy\s+{ReleaseA.Revision}\s+13\s+0\s+0\s+13  pinned\s+'", earlierRow);
        Assert.Equal(deployedB, await ObjectsAsync(bucket));

        var dryRun = (await project.RunTargetAsync("StaticOffloadRollback", bucket, "StaticOffloadDryRun=true")).EnsureSuccess();

        Assert.Contains($"StaticOffload: dry run, nothing is changed. Plan to roll s3://{bucket}/{Prefix} at {moto.Endpoint} back to deploy {idA}", dryRun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rolling back to", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(deployedB, await ObjectsAsync(bucket));
        Assert.Equal(2, (await HistoryAsync(bucket)).Deploys.Count);

        var rollback = (await project.RunTargetAsync("StaticOffloadRollback", bucket)).EnsureSuccess();

        Assert.Contains($"rolling back to deploy {idA}", rollback.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning SO", rollback.Output, StringComparison.Ordinal);
        Assert.Equal(deployedA, await ObjectsAsync(bucket));
        Assert.Equal(pageA, await BodyAsync(bucket, "site/index.html"));
        var afterRollback = await HistoryAsync(bucket);
        Assert.Equal((DeployRecord.RollbackKind, idA), (afterRollback.Deploys[0].Kind, afterRollback.Deploys[0].RestoredId));
        Assert.DoesNotContain(await KeysAsync(bucket, includeState: true), k => k == LeaseKey);

        var rollForward = (await project.RunTargetAsync("StaticOffloadRollback", bucket)).EnsureSuccess();

        Assert.Contains($"rolling back to deploy {idB}", rollForward.Output, StringComparison.Ordinal);
        Assert.Equal(deployedB, await ObjectsAsync(bucket));
        Assert.Equal(pageB, await BodyAsync(bucket, "site/index.html"));
        Assert.Equal(4, (await HistoryAsync(bucket)).Deploys.Count);
        output.WriteLine($"history, dry run and two rollbacks: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [GeneratedRegex(@"^\s*Id\s+Time \(UTC\)\s+Kind\s+Revision\s+Uploaded\s+Updated\s+Deleted\s+Objects\s+Versions\s+By$")]
    private static partial Regex HeaderLine();

    /// <summary>Polls the bucket until the lease object exists: when, or null if <paramref name="publish"/> ended first.</summary>
    private async Task<TimeSpan?> WaitForLeaseAsync(string bucket, Task publish)
    {
        var clock = Stopwatch.StartNew();
        while (!publish.IsCompleted)
        {
            if ((await KeysAsync(bucket, includeState: true)).Contains(LeaseKey))
            {
                return clock.Elapsed;
            }

            await Task.Delay(50);
        }

        return null;
    }

    /// <summary>The site's objects (not the reserved folder): key → ETag.</summary>
    private async Task<Dictionary<string, string>> ObjectsAsync(string bucket) =>
        (await moto.ListAsync(bucket)).ToDictionary(o => o.Key, o => o.ETag.Trim('"'), StringComparer.Ordinal);

    private async Task<List<string>> KeysAsync(string bucket, bool includeState) =>
        (await moto.ListAsync(bucket, includeState: includeState)).Select(o => o.Key).ToList();

    private async Task<string> BodyAsync(string bucket, string key) => Encoding.UTF8.GetString((await moto.GetAsync(bucket, key)).Body);

    private async Task<HistoryDocument> HistoryAsync(string bucket)
    {
        var history = HistoryDocument.Parse((await moto.GetAsync(bucket, HistoryKey)).Body, $"s3://{bucket}/{Prefix}", out var problem);
        Assert.True(history is not null, problem);
        return history;
    }

    /// <summary>
    /// The bucket's site objects are exactly the files of <paramref name="publishedWebRoot"/> (but the precompressed
    /// siblings, which are not uploaded by default), each with that file's MD5 as its ETag. Returns them.
    /// </summary>
    private async Task<Dictionary<string, string>> AssertBucketHoldsExactlyAsync(string bucket, string publishedWebRoot)
    {
        var expected = Directory.EnumerateFiles(publishedWebRoot, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetExtension(path) is not (".br" or ".gz"))
            .ToDictionary(
                path => Prefix + Path.GetRelativePath(publishedWebRoot, path).Replace('\\', '/').Normalize(NormalizationForm.FormC),
                path => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path))),
                StringComparer.Ordinal);
        var live = await ObjectsAsync(bucket);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), live.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, file => Assert.Equal(file.Value, live[file.Key]));
        return live;
    }

    /// <summary>Every href and src of the live index.html that stays on the site names an object under the prefix.</summary>
    private async Task AssertLivePageLinksOnlyLiveKeysAsync(string bucket, Dictionary<string, string> live)
    {
        var page = await BodyAsync(bucket, Prefix + "index.html");
        var site = new Uri("https://site.example/" + Prefix);
        var referenced = LinkAttribute().Matches(page)
            .Select(m => new Uri(site, m.Groups["url"].Value))
            .Where(uri => uri.Host == site.Host && uri.AbsolutePath.StartsWith(site.AbsolutePath, StringComparison.Ordinal))
            .Select(uri => Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')))
            .ToList();

        Assert.Contains(Prefix + "css/" + ReleaseB.Stylesheet, referenced);
        Assert.All(referenced, key => Assert.True(live.ContainsKey(key), $"index.html links {key}, which the bucket does not hold"));
    }

    [GeneratedRegex("\\b(?:href|src)\\s*=\\s*\"(?<url>[^\"]*)\"")]
    private static partial Regex LinkAttribute();
}
