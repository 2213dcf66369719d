using System.Text.Json.Nodes;
using Amazon.S3.Model;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Sync;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Trust;

/// <summary>
/// One key rule for every key the package writes or deletes, checked before any request; and keys already in the
/// bucket (or in a snapshot) that break it, or lie outside the prefix, are left alone without blocking a deploy.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class KeyRuleTests(S3ServerFixture server)
{
    private async Task<EngineHarness> SiteAsync(string name)
    {
        var bucket = await server.CreateBucketAsync(name);
        var harness = new EngineHarness(server, bucket, "site/");
        harness.Write("index.html", "<html></html>");
        harness.Write("css/a.css", "a{}");
        return harness;
    }

    private void AssertNothingSent(string bucket) =>
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);

    [Theory]
    [InlineData("bad\u0001name.txt", "control character U+0001")]
    [InlineData("tab\there.txt", "control character U+0009")]
    [InlineData("del\u007F.txt", "control character U+007F")]
    public async Task A_file_whose_key_breaks_the_rule_fails_with_SO1026_naming_it_before_any_request(string name, string reason)
    {
        using var harness = await SiteAsync("keyrule" + (int)name[3]);
        var path = harness.Write(name, "x");

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("SO1026", error.Code);
        Assert.Equal(path, error.File);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain('\u0001', error.Message);
        AssertNothingSent(harness.Bucket);
    }

    [Theory]
    [InlineData("old/../index.html")]
    [InlineData("./old.html")]
    [InlineData("old//page.html")]
    public async Task A_redirect_whose_key_breaks_the_rule_fails_with_SO1026_naming_the_item(string key)
    {
        using var harness = await SiteAsync("redirectkey" + key.Length);
        harness.Redirects.Add(SyncFile.Redirect(key, "/index.html", new ObjectHeaders("text/html", "no-cache")));

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("SO1026", error.Code);
        Assert.Contains($"StaticOffloadRedirect '{key}'", error.Message);
        AssertNothingSent(harness.Bucket);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_object_with_a_control_character_in_the_bucket_never_blocks_a_deploy(bool freshClone)
    {
        using var harness = await SiteAsync("ctrlinbucket" + freshClone);
        harness.Write("old.css", "old{}");
        await harness.SyncSucceededAsync();
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = harness.Bucket, Key = "site/bad\u0001.txt", ContentBody = "x" });
        // The snapshot may name it too (an older version synced such a file).
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(harness.SnapshotPath))!;
        snapshot["entries"]!["site/bad\u0001.txt"] = new JsonObject { ["size"] = 1, ["eTag"] = "9dd4e461268c8034f5c8564e155c67a6" };
        await File.WriteAllTextAsync(harness.SnapshotPath, snapshot.ToJsonString());
        if (freshClone)
        {
            File.Delete(harness.SnapshotPath);
        }

        File.Delete(Path.Combine(harness.Root, "old.css"));
        harness.Verify = !freshClone;

        var result = await harness.SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Code == "SO2008");
        Assert.Contains("site/bad\\u0001.txt", warning.Message);
        Assert.Contains("control character U+0001", warning.Message);
        Assert.Equal(["site/old.css"], result.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));

        // And the next deploy goes through as well.
        harness.Write("css/new.css", "n{}");
        Assert.True((await harness.SyncAsync()).Succeeded);

        var keys = (await server.ListAsync(harness.Bucket)).Select(o => o.Key).ToArray();
        Assert.Contains("site/bad\u0001.txt", keys);
        Assert.DoesNotContain("site/old.css", keys);
    }

    [Fact]
    public async Task An_edited_snapshot_naming_keys_outside_the_prefix_deletes_nothing_outside_it()
    {
        using var harness = await SiteAsync("snapshotoutside");
        await harness.SyncSucceededAsync();
        foreach (var key in new[] { "other/keep.txt", "keep-at-root.txt", "site/.staticoffload/state.json.gz" })
        {
            await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = harness.Bucket, Key = key, ContentBody = "keep" });
        }

        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(harness.SnapshotPath))!;
        foreach (var key in new[] { "other/keep.txt", "keep-at-root.txt", "site/../keep-at-root.txt", "site/.staticoffload/state.json.gz" })
        {
            snapshot["entries"]![key] = new JsonObject { ["size"] = 4, ["eTag"] = "2f5b3ef3fd33eba1e0a4f7d5ac0c4a40" };
        }

        await File.WriteAllTextAsync(harness.SnapshotPath, snapshot.ToJsonString());
        harness.Write("css/b.css", "b{}");

        var result = await harness.SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(0, result.Plan.Count(SyncActionKind.Delete));
        var warning = Assert.Single(result.Diagnostics, d => d.Code == "SO2008");
        Assert.Contains("'other/keep.txt' (not below the prefix 'site/'; from the local snapshot", warning.Message);
        Assert.Contains("in the reserved state folder", warning.Message);
        var keys = (await server.ListAsync(harness.Bucket, includeState: true)).Select(o => o.Key).ToArray();
        Assert.Contains("other/keep.txt", keys);
        Assert.Contains("keep-at-root.txt", keys);
        // Only the deploy lease, released at the end of each sync, is deleted.
        Assert.All(server.RequestsTo(harness.Bucket).Deletes, r => Assert.Equal("site/.staticoffload/lease.json", r.Key));
    }
}
