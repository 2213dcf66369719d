using StaticOffload.Cdn;
using StaticOffload.Diagnostics;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Cdn;

/// <summary>
/// StaticOffloadCloudFrontDistributionId against moto's server, which serves the CloudFront API beside S3: a distribution
/// created through that API, the deploy's invalidation read back from it.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class CloudFrontOnMotoTests(MotoServerFixture moto)
{
    [Fact]
    public async Task A_deploy_that_changes_cached_paths_sends_one_invalidation_after_the_entry_files_and_before_the_deletes()
    {
        using var api = new CloudFrontApi(moto.Endpoint);
        var bucket = await moto.CreateBucketAsync("cdn-invalidate");
        var distribution = await api.CreateDistributionAsync(bucket);
        using var harness = new EngineHarness(moto, bucket, "site/")
        {
            CloudFront = new CloudFrontSettings(distribution, Wait: true, Endpoint: moto.Endpoint, PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        harness.Write("index.html", "<html>one</html>");
        harness.Write("css/a.css", "a{}");
        harness.Write("css/old.css", "old{}");

        var first = await harness.SyncSucceededAsync();

        // Only new keys: nothing a CDN can have cached, so no invalidation.
        Assert.Null(first.Invalidation);
        Assert.Empty(await api.InvalidationsAsync(distribution));

        harness.Write("index.html", "<html>two</html>");
        harness.Write("css/a.css", "a{color:red}");
        File.Delete(Path.Combine(harness.Root, "css", "old.css"));
        harness.Messages.Clear();
        var second = await harness.SyncSucceededAsync();

        var sent = Assert.Single(await api.InvalidationsAsync(distribution));
        Assert.Equal(second.Invalidation?.Id, sent.Id);
        Assert.Equal(["/site/", "/site/css/a.css", "/site/css/old.css", "/site/index.html"], sent.Paths.Order(StringComparer.Ordinal));
        Assert.Equal(sent.Paths.Order(StringComparer.Ordinal), second.InvalidationPaths.Order(StringComparer.Ordinal));
        var lines = harness.Messages;
        var page = lines.FindIndex(m => m.StartsWith("upload: index.html", StringComparison.Ordinal));
        var created = lines.FindIndex(m => m.Contains($"CloudFront invalidation {sent.Id} of distribution {distribution} created for 4 paths", StringComparison.Ordinal));
        var deleted = lines.FindIndex(m => m.StartsWith("delete: ", StringComparison.Ordinal));
        Assert.True(page >= 0 && page < created && created < deleted, string.Join("\n", lines));

        var unchanged = await harness.SyncSucceededAsync();
        Assert.Null(unchanged.Invalidation);
        harness.Write("css/a.css", "a{color:blue}");
        harness.Messages.Clear();
        var dryRun = await harness.SyncAsync(dryRun: true);
        Assert.True(dryRun.Succeeded);
        Assert.Contains($"StaticOffload: dry run: would invalidate on CloudFront distribution {distribution}: /site/css/a.css", harness.Messages);
        Assert.Single(await api.InvalidationsAsync(distribution));
    }

    [Fact]
    public async Task An_unknown_distribution_fails_with_SO1042_and_nothing_is_deleted()
    {
        var bucket = await moto.CreateBucketAsync("cdn-unknown");
        using var harness = new EngineHarness(moto, bucket, "site/")
        {
            CloudFront = new CloudFrontSettings("E0000000NOSUCH", Endpoint: moto.Endpoint),
        };
        harness.Write("index.html", "<html>one</html>");
        harness.Write("old.txt", "old");
        await harness.SyncSucceededAsync();
        harness.Write("index.html", "<html>two</html>");
        File.Delete(Path.Combine(harness.Root, "old.txt"));

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.CloudFrontDistributionNotFoundCode, error.Code);
        Assert.Contains("E0000000NOSUCH", error.Message);
        Assert.Contains("/site/index.html", error.Message);
        Assert.Contains("site/old.txt", (await moto.ListAsync(bucket)).Select(o => o.Key));
    }
}
