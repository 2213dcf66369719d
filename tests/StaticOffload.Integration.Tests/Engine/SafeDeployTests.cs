using Amazon.S3.Model;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Sync;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>
/// Deploys that a fresh CI agent gets right and that never break a live site: the bucket's sync state, phases,
/// delete grace, the shrink guard and redirects — against the real local server.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class SafeDeployTests(S3ServerFixture server)
{
    private static EngineHarness Site(S3ServerFixture server, string bucket, int files = 12)
    {
        var harness = new EngineHarness(server, bucket, "www/");
        for (var i = 0; i < files; i++)
        {
            harness.Write($"assets/f{i:00}.css", $"body{{order:{i}}}");
        }

        harness.Write("index.html", "<html></html>");
        return harness;
    }

    [Fact]
    public async Task Bucket_state_lets_a_fresh_agent_skip_every_upload_and_every_HEAD()
    {
        var bucket = await server.CreateBucketAsync(nameof(Bucket_state_lets_a_fresh_agent_skip_every_upload_and_every_HEAD));
        using var harness = Site(server, bucket);
        await harness.SyncSucceededAsync();
        var stateObject = (await server.ListAsync(bucket, includeState: true)).Single(o => o.Key == "www/.staticoffload/state.json.gz");
        var before = server.RequestsTo(bucket).Count;

        File.Delete(harness.SnapshotPath);
        var result = await harness.SyncSucceededAsync();

        var sent = server.RequestsTo(bucket).Since(before).All;
        Assert.Equal(["GET www/.staticoffload/state.json.gz", "GET "], sent.Select(r => $"{r.Method} {r.Key}"));
        Assert.Equal(13, result.Plan.Count(SyncActionKind.Unchanged));
        Assert.True(result.UsedListing);
        // The state is private: no ACL was sent with it.
        var statePut = server.RequestsTo(bucket).All.First(r => r.IsState && r.IsUpload);
        Assert.Null(statePut.Header("x-amz-acl"));
        Assert.Equal("no-store", statePut.Header("cache-control"));
        Assert.True(stateObject.Size > 0);
    }

    [Fact]
    public async Task A_rule_changed_on_a_fresh_agent_is_still_applied()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_rule_changed_on_a_fresh_agent_is_still_applied));
        using var harness = Site(server, bucket);
        await harness.SyncSucceededAsync();
        File.Delete(harness.SnapshotPath);
        var before = server.RequestsTo(bucket).Count;

        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative),
            relative.EndsWith(".css", StringComparison.Ordinal) ? "public, max-age=31536000" : "public, max-age=60");
        var result = await harness.SyncSucceededAsync();

        Assert.Equal(12, result.CompletedCount(SyncActionKind.UpdateMetadata));
        var sent = server.RequestsTo(bucket).Since(before).WithoutState();
        Assert.Equal(12, sent.Copies.Count());
        Assert.Empty(sent.Uploads);
        Assert.DoesNotContain(sent.All, r => r.Method == "HEAD");
    }

    [Fact]
    public async Task An_object_changed_after_the_state_was_written_is_checked_with_HEAD_and_repaired()
    {
        var bucket = await server.CreateBucketAsync(nameof(An_object_changed_after_the_state_was_written_is_checked_with_HEAD_and_repaired));
        using var harness = Site(server, bucket);
        await harness.SyncSucceededAsync();
        await Task.Delay(1100);
        // Someone else rewrites the headers in place (same bytes, same ETag): the state can no longer vouch for them.
        await server.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "www/index.html", DestinationBucket = bucket, DestinationKey = "www/index.html",
            MetadataDirective = Amazon.S3.S3MetadataDirective.REPLACE, ContentType = "text/plain",
        });
        File.Delete(harness.SnapshotPath);
        var before = server.RequestsTo(bucket).Count;

        var result = await harness.SyncSucceededAsync();

        var sent = server.RequestsTo(bucket).Since(before).WithoutState();
        Assert.Equal(["www/index.html"], sent.All.Where(r => r.Method == "HEAD").Select(r => r.Key));
        Assert.Equal(["www/index.html"], result.Completed.Where(a => a.Kind == SyncActionKind.UpdateMetadata).Select(a => a.Key));
        Assert.Equal("text/html", (await server.Client.GetObjectMetadataAsync(bucket, "www/index.html")).Headers.ContentType);
    }

    [Fact]
    public async Task Removed_files_are_kept_for_the_grace_deploys_even_across_fresh_agents_then_deleted()
    {
        var bucket = await server.CreateBucketAsync(nameof(Removed_files_are_kept_for_the_grace_deploys_even_across_fresh_agents_then_deleted));
        using var harness = Site(server, bucket);
        harness.DeleteAfterDeploys = 1;
        await harness.SyncSucceededAsync();

        File.Delete(Path.Combine(harness.Root, "assets", "f00.css"));
        harness.Write("index.html", "<html>v2</html>");
        var removing = await harness.SyncSucceededAsync();
        Assert.Equal(1, removing.Plan.Count(SyncActionKind.Retain));
        Assert.Contains(await server.ListAsync(bucket), o => o.Key == "www/assets/f00.css");

        File.Delete(harness.SnapshotPath);
        harness.Write("index.html", "<html>v3</html>");
        var next = await harness.SyncSucceededAsync();
        Assert.Equal(1, next.Plan.Count(SyncActionKind.Retain));
        Assert.Contains(await server.ListAsync(bucket), o => o.Key == "www/assets/f00.css");

        harness.Write("index.html", "<html>v4</html>");
        var last = await harness.SyncSucceededAsync();
        Assert.Equal(["www/assets/f00.css"], last.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
        Assert.DoesNotContain(await server.ListAsync(bucket), o => o.Key == "www/assets/f00.css");
    }

    [Fact]
    public async Task Removed_files_are_kept_for_the_grace_hours_then_deleted()
    {
        var bucket = await server.CreateBucketAsync(nameof(Removed_files_are_kept_for_the_grace_hours_then_deleted));
        using var harness = Site(server, bucket);
        harness.DeleteAfterAge = TimeSpan.FromHours(2);
        await harness.SyncSucceededAsync();
        File.Delete(Path.Combine(harness.Root, "assets", "f01.css"));

        Assert.Equal(1, (await harness.SyncSucceededAsync()).Plan.Count(SyncActionKind.Retain));
        harness.Clock.Offset = TimeSpan.FromHours(1);
        Assert.Equal(1, (await harness.SyncSucceededAsync()).Plan.Count(SyncActionKind.Retain));
        harness.Clock.Offset = TimeSpan.FromHours(2.1);
        Assert.Equal(1, (await harness.SyncSucceededAsync()).CompletedCount(SyncActionKind.Delete));
    }

    [Fact]
    public async Task Output_that_shrank_to_under_half_is_refused_with_SO1022_unless_allowed()
    {
        var bucket = await server.CreateBucketAsync(nameof(Output_that_shrank_to_under_half_is_refused_with_SO1022_unless_allowed));
        using var harness = Site(server, bucket, files: 20);
        await harness.SyncSucceededAsync();
        for (var i = 0; i < 15; i++)
        {
            File.Delete(Path.Combine(harness.Root, "assets", $"f{i:00}.css"));
        }

        var refused = await harness.SyncAsync();
        Assert.Equal("SO1022", Assert.Single(refused.Diagnostics).Code);
        Assert.Equal(21, (await server.ListAsync(bucket)).Count);

        harness.AllowShrink = true;
        var allowed = await harness.SyncSucceededAsync();
        Assert.Equal(15, allowed.CompletedCount(SyncActionKind.Delete));
    }

    [Fact]
    public async Task Redirect_is_an_empty_object_with_the_website_redirect_header_synced_and_deleted_like_any_key()
    {
        var bucket = await server.CreateBucketAsync(nameof(Redirect_is_an_empty_object_with_the_website_redirect_header_synced_and_deleted_like_any_key));
        using var harness = Site(server, bucket);
        harness.Redirects.Add(SyncFile.Redirect("old/page.html", "/new/page.html", new ObjectHeaders("text/html", "no-cache")));
        await harness.SyncSucceededAsync();

        var put = Assert.Single(server.RequestsTo(bucket).Uploads, r => r.Key == "www/old/page.html");
        Assert.Equal("/new/page.html", put.Header("x-amz-website-redirect-location"));
        var (body, _) = await server.GetAsync(bucket, "www/old/page.html");
        Assert.Empty(body);

        var before = server.RequestsTo(bucket).Count;
        Assert.Empty((await harness.SyncSucceededAsync()).Plan.Changes);
        harness.Redirects[0] = SyncFile.Redirect("old/page.html", "/newer/page.html", new ObjectHeaders("text/html", "no-cache"));
        var moved = await harness.SyncSucceededAsync();
        Assert.Equal(1, moved.CompletedCount(SyncActionKind.UpdateMetadata));
        var copy = Assert.Single(server.RequestsTo(bucket).Since(before).Copies);
        Assert.Equal("/newer/page.html", copy.Header("x-amz-website-redirect-location"));

        harness.Redirects.Clear();
        var removed = await harness.SyncSucceededAsync();
        Assert.Equal(["www/old/page.html"], removed.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
    }

    [Fact]
    public async Task Immutable_assets_are_sent_before_other_assets_and_pages()
    {
        var bucket = await server.CreateBucketAsync(nameof(Immutable_assets_are_sent_before_other_assets_and_pages));
        using var harness = new EngineHarness(server, bucket);
        for (var i = 0; i < 20; i++)
        {
            harness.Write($"_framework/lib.{i:x8}.js", "x");
            harness.Write($"css/site{i}.css", "y");
        }

        harness.Write("index.html", "<html></html>");
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative),
            relative.StartsWith("_framework/", StringComparison.Ordinal) ? "max-age=31536000, immutable" : "no-cache");

        await harness.SyncSucceededAsync();

        var keys = server.RequestsTo(bucket).WithoutState().Uploads.Select(r => r.Key!).ToList();
        var lastImmutable = keys.FindLastIndex(k => k.StartsWith("_framework/", StringComparison.Ordinal));
        var firstOther = keys.FindIndex(k => k.StartsWith("css/", StringComparison.Ordinal));
        Assert.True(lastImmutable < firstOther, "a mutable asset was sent before the last immutable one");
        Assert.Equal("index.html", keys[^1]);
    }
}
