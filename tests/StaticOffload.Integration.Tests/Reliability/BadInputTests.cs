using Amazon.S3.Model;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// Bad input gets a coded error (or a documented warning) before anything is sent or deleted — one test per row of
/// the list in the reliability issue, against the real local server.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class BadInputTests(S3ServerFixture server)
{
    private async Task<(EngineHarness Harness, string Bucket)> SiteAsync(string name, string prefix = "site/")
    {
        var bucket = await server.CreateBucketAsync(name);
        var harness = new EngineHarness(server, bucket, prefix);
        harness.Write("index.html", "<html></html>");
        harness.Write("css/a.css", "a{}");
        return (harness, bucket);
    }

    private void AssertNothingSent(string bucket) =>
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);

    public static TheoryData<string, Func<ObjectHeaders, ObjectHeaders>> BadHeaders => new()
    {
        { "SO1007", h => h with { StorageClass = "FROZEN" } },
        { "SO1008", h => h with { Acl = "world-writable" } },
        { "SO1011", h => h with { CacheControl = "max-age=60\r\nX-Injected: 1" } },
        { "SO1011", h => h with { ContentType = "text/html\u0000" } },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Invalid_header_metadata_fails_before_any_request(string code, Func<ObjectHeaders, ObjectHeaders> spoil)
    {
        var (harness, bucket) = await SiteAsync("headers" + code + Guid.NewGuid().ToString("N")[..6]);
        using var _ = harness;
        var plain = harness.Headers;
        harness.Headers = relative => relative.EndsWith(".css", StringComparison.Ordinal) ? spoil(plain(relative)) : plain(relative);

        var result = await harness.SyncAsync();

        Assert.Equal(code, Assert.Single(result.Diagnostics).Code);
        Assert.EndsWith("a.css", result.Diagnostics[0].File);
        AssertNothingSent(bucket);
    }

    [Theory]
    [InlineData("My_Bucket")]
    [InlineData("s3://bucket")]
    [InlineData("ab")]
    [InlineData("bucket/with/path")]
    public async Task Invalid_bucket_name_fails_with_SO1002(string name)
    {
        var bucket = await server.CreateBucketAsync("badname");
        using var harness = new EngineHarness(server, bucket);
        harness.Write("a.txt", "a");
        var request = harness.Request() with { Destination = harness.Request().Destination with { Bucket = name } };
        using var store = new StaticOffload.Storage.S3.S3ObjectStore(request.Destination);

        var result = await new StaticOffload.SyncEngine(store, new NullSyncLog()).RunAsync(request, default);

        Assert.Equal("SO1002", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public async Task Key_longer_than_1024_bytes_fails_with_SO1013()
    {
        var (harness, bucket) = await SiteAsync(nameof(Key_longer_than_1024_bytes_fails_with_SO1013));
        using var _ = harness;
        var deep = string.Join('/', Enumerable.Range(0, 6).Select(i => new string((char)('a' + i), 200)));
        harness.Write(deep + "/file.txt", "x");

        var result = await harness.SyncAsync();

        Assert.Equal("SO1013", Assert.Single(result.Diagnostics).Code);
        AssertNothingSent(bucket);
    }

    [Fact]
    public async Task Names_in_NFD_are_stored_under_NFC_keys_and_two_forms_of_one_name_are_a_duplicate()
    {
        var (harness, bucket) = await SiteAsync(nameof(Names_in_NFD_are_stored_under_NFC_keys_and_two_forms_of_one_name_are_a_duplicate));
        using var _ = harness;
        var nfd = "cafe\u0301.html";
        harness.Write(nfd, "<p>decomposed</p>");

        await harness.SyncSucceededAsync();
        Assert.Contains(await server.ListAsync(bucket), o => o.Key == "site/caf\u00e9.html");

        harness.Write("caf\u00e9.html", "<p>composed</p>");
        var duplicate = await harness.SyncAsync();
        Assert.Equal("SO1014", Assert.Single(duplicate.Diagnostics).Code);
    }

    [Fact]
    public async Task Empty_source_with_delete_on_fails_with_SO1012_and_deletes_nothing()
    {
        var (harness, bucket) = await SiteAsync(nameof(Empty_source_with_delete_on_fails_with_SO1012_and_deletes_nothing));
        using var _ = harness;
        await harness.SyncSucceededAsync();
        foreach (var file in Directory.GetFiles(harness.Root, "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        var result = await harness.SyncAsync();

        Assert.Equal("SO1012", Assert.Single(result.Diagnostics).Code);
        Assert.Equal(2, (await server.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task Without_a_prefix_deleting_objects_never_uploaded_needs_explicit_opt_in()
    {
        var bucket = await server.CreateBucketAsync(nameof(Without_a_prefix_deleting_objects_never_uploaded_needs_explicit_opt_in));
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "backups/db.sql", ContentBody = "other data" });
        using var harness = new EngineHarness(server, bucket, prefix: "");
        harness.Write("index.html", "<html></html>");

        var refused = await harness.SyncAsync();
        Assert.Equal("SO1025", Assert.Single(refused.Diagnostics).Code);
        Assert.Contains(await server.ListAsync(bucket), o => o.Key == "backups/db.sql");
        AssertNothingSent(bucket, except: "backups/db.sql");

        harness.AllowRootDelete = true;
        var allowed = await harness.SyncSucceededAsync();
        Assert.Equal(["backups/db.sql"], allowed.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
    }

    [Fact]
    public async Task Without_a_prefix_keys_the_sync_uploaded_itself_are_deleted_as_usual()
    {
        var bucket = await server.CreateBucketAsync(nameof(Without_a_prefix_keys_the_sync_uploaded_itself_are_deleted_as_usual));
        using var harness = new EngineHarness(server, bucket, prefix: "");
        harness.Write("index.html", "<html></html>");
        harness.Write("old.css", "a{}");
        await harness.SyncSucceededAsync();
        File.Delete(Path.Combine(harness.Root, "old.css"));
        File.Delete(harness.SnapshotPath);

        var result = await harness.SyncSucceededAsync();

        Assert.Equal(["old.css"], result.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key));
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("{\"version\":42,\"entries\":{}}")]
    [InlineData("")]
    public async Task Corrupt_or_unknown_snapshot_warns_with_SO2001_and_reconciles_from_the_bucket(string content)
    {
        var (harness, bucket) = await SiteAsync("corrupt" + Guid.NewGuid().ToString("N")[..8]);
        using var _ = harness;
        await harness.SyncSucceededAsync();
        await File.WriteAllTextAsync(harness.SnapshotPath, content);
        var before = server.RequestsTo(bucket).Count;

        var result = await harness.SyncSucceededAsync();

        Assert.Equal("SO2001", Assert.Single(result.Diagnostics).Code);
        Assert.True(result.UsedListing);
        Assert.Empty(server.RequestsTo(bucket).Since(before).WithoutState().Uploads);
        Assert.NotNull(new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/site/ at {server.Endpoint}", out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public async Task A_second_sync_of_the_same_project_waits_for_the_first_and_fails_with_SO1024_when_it_does_not_finish()
    {
        var (harness, bucket) = await SiteAsync(nameof(A_second_sync_of_the_same_project_waits_for_the_first_and_fails_with_SO1024_when_it_does_not_finish));
        using var _ = harness;
        harness.LockTimeout = TimeSpan.FromSeconds(1);
        Directory.CreateDirectory(Path.GetDirectoryName(harness.SnapshotPath)!);

        using (await SnapshotLock.AcquireAsync(harness.SnapshotPath, TimeSpan.Zero, default))
        {
            var blocked = await harness.SyncAsync();
            Assert.Equal("SO1024", Assert.Single(blocked.Diagnostics).Code);
            AssertNothingSent(bucket);
        }

        harness.LockTimeout = TimeSpan.FromSeconds(30);
        var results = await Task.WhenAll(harness.SyncAsync(), harness.SyncAsync());
        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Diagnostics)));
        Assert.Equal(2, results.Sum(r => r.CompletedCount(SyncActionKind.Upload)));
        Assert.NotNull(new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/site/ at {server.Endpoint}", out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public async Task Verify_repairs_objects_deleted_or_overwritten_behind_the_syncs_back()
    {
        var (harness, bucket) = await SiteAsync(nameof(Verify_repairs_objects_deleted_or_overwritten_behind_the_syncs_back));
        using var _ = harness;
        await harness.SyncSucceededAsync();
        await server.Client.DeleteObjectAsync(bucket, "site/index.html");
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/css/a.css", ContentBody = "tampered" });

        var trusting = await harness.SyncSucceededAsync();
        Assert.Empty(trusting.Plan.Changes);

        harness.Verify = true;
        var verified = await harness.SyncSucceededAsync();
        Assert.Equal(["site/css/a.css", "site/index.html"],
            verified.Completed.Where(a => a.Kind == SyncActionKind.Upload).Select(a => a.Key).Order(StringComparer.Ordinal));
        var (body, _) = await server.GetAsync(bucket, "site/css/a.css");
        Assert.Equal("a{}", System.Text.Encoding.UTF8.GetString(body));
    }

    private void AssertNothingSent(string bucket, string except) =>
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null && r.Key != except && !(r.IsState && r.Method == "GET"));
}
