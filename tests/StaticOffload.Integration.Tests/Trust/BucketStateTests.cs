using System.IO.Compression;
using System.Text;
using Amazon.S3.Model;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Trust;

/// <summary>
/// The bucket's state object is untrusted input (anyone who can write the bucket can write it), and it can live
/// somewhere a public bucket does not serve it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class BucketStateTests(S3ServerFixture server)
{
    private const string StateKey = "site/.staticoffload/state.json.gz";

    private async Task<EngineHarness> SyncedAsync(string name)
    {
        var bucket = await server.CreateBucketAsync(name);
        var harness = new EngineHarness(server, bucket, "site/");
        for (var i = 0; i < 12; i++)
        {
            harness.Write($"css/f{i:00}.css", $"a{{order:{i}}}");
        }

        harness.Write("index.html", "<html></html>");
        await harness.SyncSucceededAsync();
        return harness;
    }

    private Task PutStateAsync(EngineHarness harness, byte[] body) => server.Client.PutObjectAsync(new PutObjectRequest
    {
        BucketName = harness.Bucket, Key = StateKey, InputStream = new MemoryStream(body), ContentType = "application/gzip",
    });

    private static byte[] Gzip(Action<Stream> write)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            write(gzip);
        }

        return compressed.ToArray();
    }

    private async Task AssertReconciledAsync(EngineHarness harness, string problem)
    {
        var before = server.RequestsTo(harness.Bucket).Count;
        File.Delete(harness.SnapshotPath);

        var result = await harness.SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Code == "SO2007");
        Assert.Contains(problem, warning.Message);
        Assert.Equal(13, result.Plan.Count(SyncActionKind.Unchanged));
        var sent = server.RequestsTo(harness.Bucket).Since(before);
        Assert.Empty(sent.WithoutState().Uploads);
        Assert.Empty(sent.Deletes);
        // A good state replaced it: the next fresh clone trusts it again, without a HEAD per object.
        Assert.Single(sent.Uploads, r => r.IsState);
        File.Delete(harness.SnapshotPath);
        var next = server.RequestsTo(harness.Bucket).Count;
        var clean = await harness.SyncSucceededAsync();
        Assert.DoesNotContain(clean.Diagnostics, d => d.Code == "SO2007");
        Assert.DoesNotContain(server.RequestsTo(harness.Bucket).Since(next).All, r => r.Method == "HEAD");
    }

    [Fact]
    public async Task A_gzip_bomb_as_the_bucket_state_is_ignored_with_a_warning_and_replaced()
    {
        using var harness = await SyncedAsync("gzipbomb");
        // 1 GB of JSON white space in about 1 MB of gzip: it used to end every fresh-clone sync in OutOfMemoryException.
        var bomb = Gzip(gzip =>
        {
            gzip.Write("{\"version\":1,"u8);
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(spaces);
            }

            gzip.Write("\"entries\":{}}"u8);
        });
        Assert.InRange(bomb.Length, 1, 2 * 1024 * 1024);
        await PutStateAsync(harness, bomb);

        await AssertReconciledAsync(harness, "expands to more than 64 MB");
    }

    [Fact]
    public async Task A_state_that_claims_keys_outside_the_prefix_is_ignored_and_deletes_nothing()
    {
        using var harness = await SyncedAsync("hostilestate");
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = harness.Bucket, Key = "other/keep.txt", ContentBody = "keep" });
        var state = RemoteState.Deserialize((await server.GetAsync(harness.Bucket, StateKey)).Body)!;
        state.Entries["other/keep.txt"] = new SnapshotEntry { Size = 4, ETag = "2f5b3ef3fd33eba1e0a4f7d5ac0c4a40" };
        await PutStateAsync(harness, RemoteState.Serialize(state));

        await AssertReconciledAsync(harness, "'other/keep.txt', which is not one this sync manages below 'site/'");
        Assert.Contains("other/keep.txt", (await server.ListAsync(harness.Bucket)).Select(o => o.Key));
    }

    [Theory]
    [InlineData("not gzip at all", "not a gzipped JSON state document")]
    [InlineData("{\"version\":1,\"deploys\":2147483647,\"entries\":{}}", "deploy count")]
    [InlineData("{\"version\":1,\"entries\":{\"site/index.html\":{\"size\":-5,\"eTag\":\"x\"}}}", "negative size")]
    public async Task A_malformed_state_is_ignored_with_a_warning_never_a_crash(string content, string problem)
    {
        using var harness = await SyncedAsync("badstate" + problem.Length);
        var body = content.StartsWith('{') ? Gzip(gzip => gzip.Write(Encoding.UTF8.GetBytes(content))) : Encoding.UTF8.GetBytes(content);
        await PutStateAsync(harness, body);

        await AssertReconciledAsync(harness, problem);
    }

    [Fact]
    public async Task The_state_names_its_site_without_the_endpoint()
    {
        using var harness = await SyncedAsync("stateendpoint");

        var state = RemoteState.Deserialize((await server.GetAsync(harness.Bucket, StateKey)).Body)!;

        Assert.Equal($"s3://{harness.Bucket}/site/", state.Destination);
    }

    [Fact]
    public async Task The_state_can_live_in_another_bucket_at_another_key()
    {
        var stateBucket = await server.CreateBucketAsync("privatestate");
        var bucket = await server.CreateBucketAsync("publicsite");
        using var harness = new EngineHarness(server, bucket, "site/") { StateBucket = stateBucket, StateKey = "deploys/site-state.json.gz" };
        harness.Write("index.html", "<html></html>");
        harness.Write("css/a.css", "a{}");
        await harness.SyncSucceededAsync();

        Assert.DoesNotContain(await server.ListAsync(bucket, includeState: true), o => o.Key.Contains(".staticoffload", StringComparison.Ordinal));
        // The state, and beside it the deploy history and this deploy's manifest (the lease is gone once released).
        var stateObjects = (await server.ListAsync(stateBucket, includeState: true)).Select(o => o.Key).ToArray();
        Assert.Equal(3, stateObjects.Length);
        Assert.Equal("deploys/site-state.json.gz", stateObjects[0]);
        Assert.Matches(@"^deploys/site-state\.json\.gz\.deploys/\d{8}-\d{6}-[0-9a-f]{4}\.json\.gz$", stateObjects[1]);
        Assert.Equal("deploys/site-state.json.gz.history.json", stateObjects[2]);

        // A fresh clone finds it there: no HEAD per object.
        File.Delete(harness.SnapshotPath);
        var before = server.RequestsTo(bucket).Count;
        var result = await harness.SyncSucceededAsync();
        Assert.Equal(2, result.Plan.Count(SyncActionKind.Unchanged));
        Assert.DoesNotContain(server.RequestsTo(bucket).Since(before).All, r => r.Method == "HEAD");
    }

    [Theory]
    [InlineData("site/state.json.gz", "below the prefix")]
    [InlineData("/state.json.gz", "starts with '/'")]
    [InlineData("state/../x.gz", "'..' segment")]
    public async Task A_state_key_the_sync_could_not_keep_apart_from_the_site_fails_with_SO1033(string key, string problem)
    {
        var bucket = await server.CreateBucketAsync("statekey" + key.Length);
        using var harness = new EngineHarness(server, bucket, "site/") { StateKey = key };
        harness.Write("index.html", "<html></html>");

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("SO1033", error.Code);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
    }
}
