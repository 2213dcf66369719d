using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Rules;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Trust;

/// <summary>
/// Someone else writes an object the sync recorded. Run against both test servers: fauxqs, and moto, which ignores
/// x-amz-copy-source-if-match (so only the check of the ETag the copy returns protects the object there).
/// </summary>
public abstract class ForeignWriteScenarios(LocalS3Server server)
{
    private const string Ours = "{\"version\":\"ours-1\"}";
    private const string Theirs = "{\"version\":\"THEIRS\"}";

    private static string Md5(string content) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content)));

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private async Task<EngineHarness> SyncedAsync(string name)
    {
        Assert.Equal(Ours.Length, Theirs.Length);
        var bucket = await server.CreateBucketAsync(name);
        var harness = new EngineHarness(server, bucket, "site/");
        harness.Write("data.json", Ours);
        harness.Write("index.html", "<html></html>");
        await harness.SyncSucceededAsync();
        return harness;
    }

    private Task OverwriteAsync(EngineHarness harness)
    {
        var request = new PutObjectRequest
        {
            BucketName = harness.Bucket, Key = "site/data.json", ContentBody = Theirs, ContentType = "application/json",
        };
        request.Headers.CacheControl = "public, max-age=60";
        return server.Client.PutObjectAsync(request);
    }

    private static void ChangeRule(EngineHarness harness)
    {
        var plain = harness.Headers;
        harness.Headers = relative => relative == "data.json" ? plain(relative) with { CacheControl = "public, max-age=300" } : plain(relative);
    }

    private async Task AssertOursIsLiveAsync(EngineHarness harness, string cacheControl)
    {
        var (body, response) = await server.GetAsync(harness.Bucket, "site/data.json");
        Assert.Equal(Ours, Encoding.UTF8.GetString(body));
        Assert.Equal(cacheControl, response.Headers.CacheControl);
        Assert.Equal(Sha256(Ours), response.Metadata["x-amz-meta-sha256"]);
    }

    [Fact]
    public async Task A_header_change_never_copies_onto_an_object_someone_else_overwrote()
    {
        using var harness = await SyncedAsync("foreigncopy");
        await OverwriteAsync(harness);
        ChangeRule(harness);

        var result = await harness.SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Code == "SO2010");
        Assert.Contains("site/data.json", warning.Message);
        var done = Assert.Single(result.Completed, a => a.Key == "site/data.json");
        Assert.Equal((SyncActionKind.Upload, SyncReason.ChangedInBucket), (done.Kind, done.Reason));
        await AssertOursIsLiveAsync(harness, "public, max-age=300");

        // What was recorded is what is there: the next run from the bucket alone finds nothing to do.
        File.Delete(harness.SnapshotPath);
        var again = await harness.SyncSucceededAsync();
        Assert.Empty(again.Plan.Changes);
    }

    [Fact]
    public async Task A_header_change_of_an_object_still_as_recorded_is_a_copy()
    {
        using var harness = await SyncedAsync("owncopy");
        ChangeRule(harness);

        var result = await harness.SyncSucceededAsync();

        var done = Assert.Single(result.Completed);
        Assert.Equal(SyncActionKind.UpdateMetadata, done.Kind);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "SO2010");
        await AssertOursIsLiveAsync(harness, "public, max-age=300");
    }

    /// <summary>
    /// What an earlier version left behind after copying headers onto a foreign object: a state and a snapshot that
    /// pair the local file's MD5 with the foreign object's ETag. Verify, and a fresh clone, must not believe it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_record_that_pairs_our_hash_with_a_foreign_object_is_repaired(bool verify)
    {
        using var harness = await SyncedAsync(verify ? "poisonverify" : "poisonclone");
        await OverwriteAsync(harness);
        var foreignETag = (await server.Client.GetObjectMetadataAsync(harness.Bucket, "site/data.json")).ETag.Trim('"');
        await Task.Delay(1100); // the state is written after the overwrite, in a later second
        await PoisonStateAsync(harness, foreignETag);
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(harness.SnapshotPath))!;
        snapshot["entries"]!["site/data.json"]!["eTag"] = foreignETag;
        await File.WriteAllTextAsync(harness.SnapshotPath, snapshot.ToJsonString());
        if (!verify)
        {
            File.Delete(harness.SnapshotPath);
        }

        harness.Verify = verify;
        var result = await harness.SyncSucceededAsync();

        var done = Assert.Single(result.Completed, a => a.Key == "site/data.json");
        Assert.Equal(SyncActionKind.Upload, done.Kind);
        await AssertOursIsLiveAsync(harness, "public, max-age=60");
    }

    private async Task PoisonStateAsync(EngineHarness harness, string foreignETag)
    {
        const string key = "site/.staticoffload/state.json.gz";
        var (body, _) = await server.GetAsync(harness.Bucket, key);
        JsonNode state;
        using (var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress))
        {
            state = JsonNode.Parse(gzip)!;
        }

        var entry = state["entries"]!["site/data.json"]!;
        entry["eTag"] = foreignETag;
        entry["md5"] = Md5(Ours);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(state.ToJsonString()));
        }

        compressed.Position = 0;
        await server.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = harness.Bucket, Key = key, InputStream = compressed, ContentType = "application/gzip",
        });
    }

    [Fact]
    public async Task Without_server_side_copy_a_header_change_is_planned_and_counted_as_an_upload()
    {
        using var harness = await SyncedAsync("nocopyplan");
        harness.ServerSideCopy = false;
        ChangeRule(harness);

        var dryRun = await harness.SyncAsync(dryRun: true);
        var result = await harness.SyncSucceededAsync();

        var planned = Assert.Single(dryRun.Plan.Changes);
        Assert.Equal((SyncActionKind.Upload, SyncReason.HeadersChanged), (planned.Kind, planned.Reason));
        Assert.Contains("would upload 1 (", SyncSummary.Line("d", dryRun));
        Assert.Contains("update metadata of 0", SyncSummary.Line("d", dryRun));
        var line = SyncSummary.Line("d", result);
        Assert.Contains("1 uploaded (20 B), 0 metadata updated", line);
        await AssertOursIsLiveAsync(harness, "public, max-age=300");
    }
}

[Collection(EngineCollection.Name)]
public sealed class ForeignWriteOnFauxqsTests(S3ServerFixture server) : ForeignWriteScenarios(server);

[Collection(MotoCollection.Name)]
public sealed class ForeignWriteOnMotoTests(MotoServerFixture server) : ForeignWriteScenarios(server);
