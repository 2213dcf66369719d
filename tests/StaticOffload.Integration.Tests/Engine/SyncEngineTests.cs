using Amazon.S3.Model;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Storage.S3;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>The engine against the real local S3 server: what the bucket ends up holding, and what was sent.</summary>
[Collection(EngineCollection.Name)]
public sealed class SyncEngineTests(S3ServerFixture server)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Keys_with_spaces_plus_hash_percent_question_mark_and_non_ascii_round_trip()
    {
        var bucket = await server.CreateBucketAsync(nameof(Keys_with_spaces_plus_hash_percent_question_mark_and_non_ascii_round_trip));
        using var harness = new EngineHarness(server, bucket, "p q/");
        string[] names = ["a b.txt", "c+d.txt", "e#f.txt", "g%20h.txt", "i%j.txt", "k?l.txt", "ü/ñ/日本語.txt", "emoji 😀.txt", "(1)[2]{3}&=;@$.txt"];
        foreach (var name in names)
        {
            harness.Write(name, "content of " + name);
        }

        await harness.SyncSucceededAsync();

        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal);
        Assert.Equal(names.Select(n => "p q/" + n).Order(StringComparer.Ordinal), keys);
        foreach (var name in names)
        {
            var (body, _) = await server.GetAsync(bucket, "p q/" + name);
            Assert.Equal("content of " + name, System.Text.Encoding.UTF8.GetString(body));
        }

        var before = server.RequestsTo(bucket).Count;
        File.Delete(harness.SnapshotPath);
        var fresh = await harness.SyncSucceededAsync();
        Assert.Equal(0, fresh.CompletedCount(SyncActionKind.Upload));
        Assert.Empty(server.RequestsTo(bucket).Since(before).Uploads);
    }

    [Fact]
    public async Task Zero_byte_file_is_stored_and_recognised_on_the_next_run()
    {
        var bucket = await server.CreateBucketAsync(nameof(Zero_byte_file_is_stored_and_recognised_on_the_next_run));
        using var harness = new EngineHarness(server, bucket);
        harness.Write("empty.txt", []);

        await harness.SyncSucceededAsync();
        File.Delete(harness.SnapshotPath);
        var second = await harness.SyncSucceededAsync();

        var (body, response) = await server.GetAsync(bucket, "empty.txt");
        Assert.Empty(body);
        Assert.Equal("text/plain", response.Headers.ContentType);
        Assert.Equal(0, second.CompletedCount(SyncActionKind.Upload));
    }

    [Fact]
    public async Task Large_file_is_streamed_in_8_MiB_parts_and_its_ETag_matches_the_local_multipart_ETag()
    {
        var bucket = await server.CreateBucketAsync(nameof(Large_file_is_streamed_in_8_MiB_parts_and_its_ETag_matches_the_local_multipart_ETag));
        using var harness = new EngineHarness(server, bucket);
        var content = new byte[20 * MiB + 12345];
        new Random(42).NextBytes(content);
        var path = harness.Write("video/big.mp4", content);

        await harness.SyncSucceededAsync();

        var parts = server.RequestsTo(bucket).Uploads.Where(r => r.Url.Contains("partNumber=", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.True(p.Bytes <= 9 * MiB, $"part of {p.Bytes} bytes"));
        var listed = Assert.Single(await server.ListAsync(bucket));
        var local = await Hashing.UploadLayout.S3.HashFileAsync(path, default);
        Assert.Equal(local.ETag, S3ETag.Normalize(listed.ETag));
        Assert.EndsWith("-3", local.ETag);
        var (body, response) = await server.GetAsync(bucket, "video/big.mp4");
        Assert.Equal(content, body);
        Assert.Equal("video/mp4", response.Headers.ContentType);
        Assert.Equal(local.Sha256, response.Metadata["x-amz-meta-sha256"]);

        var before = server.RequestsTo(bucket).Count;
        File.Delete(harness.SnapshotPath);
        var fresh = await harness.SyncSucceededAsync();
        Assert.Equal(0, fresh.CompletedCount(SyncActionKind.Upload));
        Assert.Empty(server.RequestsTo(bucket).Since(before).Uploads);
    }

    [Fact]
    public async Task Object_uploaded_by_another_tool_in_5_MiB_parts_is_recognised_without_a_snapshot()
    {
        var bucket = await server.CreateBucketAsync(nameof(Object_uploaded_by_another_tool_in_5_MiB_parts_is_recognised_without_a_snapshot));
        using var harness = new EngineHarness(server, bucket);
        var content = new byte[12 * MiB];
        new Random(7).NextBytes(content);
        harness.Write("data.bin", content);
        harness.Headers = _ => new ObjectHeaders("application/octet-stream");
        var init = await server.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "data.bin", ContentType = "application/octet-stream",
        });
        var etags = new List<PartETag>();
        for (var i = 0; i < 3; i++)
        {
            var length = (int)Math.Min(5 * MiB, content.Length - (i * 5 * MiB));
            var part = await server.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "data.bin", UploadId = init.UploadId, PartNumber = i + 1,
                InputStream = new MemoryStream(content, (int)(i * 5 * MiB), length),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }

        await server.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "data.bin", UploadId = init.UploadId, PartETags = etags,
        });
        var before = server.RequestsTo(bucket).Count;

        var result = await harness.SyncSucceededAsync();

        Assert.Equal(0, result.CompletedCount(SyncActionKind.Upload));
        Assert.Empty(server.RequestsTo(bucket).Since(before).WithoutState().Uploads);
    }

    [Fact]
    public async Task Header_change_is_applied_by_a_copy_carrying_the_complete_header_set()
    {
        var bucket = await server.CreateBucketAsync(nameof(Header_change_is_applied_by_a_copy_carrying_the_complete_header_set));
        using var harness = new EngineHarness(server, bucket);
        harness.Write("app.css", "body{}");
        harness.Headers = _ => new ObjectHeaders("text/css", "public, max-age=60", "gzip");
        await harness.SyncSucceededAsync();
        var before = server.RequestsTo(bucket).Count;

        harness.Headers = _ => new ObjectHeaders("text/css", "public, max-age=31536000, immutable", "gzip", "STANDARD_IA", "public-read");
        var result = await harness.SyncSucceededAsync();

        Assert.Equal(1, result.CompletedCount(SyncActionKind.UpdateMetadata));
        var copy = Assert.Single(server.RequestsTo(bucket).Since(before).WithoutState().WithoutAccessCheck().All);
        Assert.True(copy.IsCopy);
        Assert.Equal("REPLACE", copy.Header("x-amz-metadata-directive"));
        Assert.Equal("text/css", copy.Header("content-type"));
        Assert.Equal("gzip", copy.Header("content-encoding"));
        Assert.Equal("STANDARD_IA", copy.Header("x-amz-storage-class"));
        Assert.Equal("public-read", copy.Header("x-amz-acl"));
        Assert.NotNull(copy.Header("x-amz-meta-sha256"));
        Assert.True(ObjectHeaders.CacheControlEquivalent("public, max-age=31536000, immutable", copy.Header("cache-control")));
        var (body, response) = await server.GetAsync(bucket, "app.css");
        Assert.Equal("body{}", System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal("gzip", response.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Entry_files_are_uploaded_after_every_asset_and_deletions_come_last()
    {
        var bucket = await server.CreateBucketAsync(nameof(Entry_files_are_uploaded_after_every_asset_and_deletions_come_last));
        using var harness = new EngineHarness(server, bucket);
        harness.Write("old.js", "old");
        await harness.SyncSucceededAsync();
        File.Delete(Path.Combine(harness.Root, "old.js"));
        for (var i = 0; i < 40; i++)
        {
            harness.Write($"assets/a{i:00}.js", new string('x', 1000 + i));
            harness.Write($"page{i:00}.html", "<html></html>" + i);
        }

        var before = server.RequestsTo(bucket).Count;
        await harness.SyncSucceededAsync();

        var sent = server.RequestsTo(bucket).Since(before).WithoutState().All;
        var lastAsset = sent.Select((r, i) => (r, i)).Last(x => x.r.Key?.EndsWith(".js", StringComparison.Ordinal) == true && x.r.IsUpload).i;
        var firstPage = sent.Select((r, i) => (r, i)).First(x => x.r.Key?.EndsWith(".html", StringComparison.Ordinal) == true).i;
        Assert.True(lastAsset < firstPage, "an entry file was sent before the last asset");
        Assert.True(sent[^1].IsDelete, "the deletion was not the last request");
    }

    [Fact]
    public async Task Deletions_go_in_batches_of_1000_and_never_touch_keys_outside_the_prefix()
    {
        var bucket = await server.CreateBucketAsync(nameof(Deletions_go_in_batches_of_1000_and_never_touch_keys_outside_the_prefix));
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other/keep.txt", ContentBody = "not ours" });
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site-old/keep.txt", ContentBody = "not ours" });
        using var harness = new EngineHarness(server, bucket, "site/") { AllowShrink = true };
        for (var i = 0; i < 1100; i++)
        {
            harness.Write($"f/{i:0000}.txt", i.ToString());
        }

        await harness.SyncSucceededAsync();
        Directory.Delete(Path.Combine(harness.Root, "f"), recursive: true);
        harness.Write("index.html", "<html></html>");
        File.Delete(harness.SnapshotPath);
        var before = server.RequestsTo(bucket).Count;

        var result = await harness.SyncSucceededAsync();

        Assert.Equal(1100, result.CompletedCount(SyncActionKind.Delete));
        Assert.Equal(2, server.RequestsTo(bucket).Since(before).Deletes.Count(r => !r.IsState));
        Assert.Equal(["other/keep.txt", "site-old/keep.txt", "site/index.html"],
            (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_fresh_clone_lists_a_bucket_of_several_pages_in_ranges_and_sees_every_object_once()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_fresh_clone_lists_a_bucket_of_several_pages_in_ranges_and_sees_every_object_once));
        var before = 0;
        IReadOnlyList<LoggedRequest> sent = [];
        await FreshCloneOfSeveralPagesAsync(server, bucket, () => before = server.RequestsTo(bucket).Count,
            () => sent = server.RequestsTo(bucket).Since(before).WithoutState().All);

        Assert.DoesNotContain(sent, r => r.IsUpload || r.Method == "HEAD");
        // 2,605 keys: three ranges of a page each, and a second page for a range the extra keys overfill.
        Assert.InRange(sent.Count(r => r.Method == "GET" && r.Key is null && r.Url.Contains("list-type=2", StringComparison.Ordinal)), 3, 5);
    }

    /// <summary>
    /// 2,600 files synced, then objects only the bucket has put into every listing range, then a fresh clone (no
    /// snapshot): it must see every object once, keep the 2,600 and delete exactly the others. Shared with the same
    /// test against moto (<see cref="FreshCloneListingOnMotoTests"/>).
    /// </summary>
    /// <param name="beforeFreshClone">Called just before the fresh clone runs (to mark the request log).</param>
    /// <param name="afterFreshClone">Called just after it, before this test's own listing of the bucket.</param>
    internal static async Task FreshCloneOfSeveralPagesAsync(LocalS3Server server, string bucket, Action? beforeFreshClone = null,
        Action? afterFreshClone = null)
    {
        using var harness = new EngineHarness(server, bucket, "site/");
        // Names whose UTF-16 order is not S3's (U+E000 and an emoji), so the ranges' boundaries are too.
        string[] tails = ["", "\ue000", "\ud83d\ude00", "\u00e9"];
        for (var i = 0; i < 2600; i++)
        {
            harness.Write($"p{i / 4:0000}{tails[i % 4]}.txt", i.ToString());
        }

        await harness.SyncSucceededAsync();
        // Objects the bucket has and this machine does not, in every range: before the first key, between keys
        // (also right after a range's boundary), after the last.
        string[] extra = ["site/a.txt", "site/p0249\ud83d\ude00x.txt", "site/p0250x.txt", "site/p0500\ue000x.txt", "site/zz.txt"];
        foreach (var key in extra)
        {
            await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "not here" });
        }

        File.Delete(harness.SnapshotPath);
        beforeFreshClone?.Invoke();

        var result = await harness.SyncSucceededAsync();
        afterFreshClone?.Invoke();

        Assert.True(result.UsedListing);
        Assert.Equal(2600, result.Plan.Count(SyncActionKind.Unchanged));
        Assert.Equal(extra.Order(StringComparer.Ordinal), result.Completed.Where(a => a.Kind == SyncActionKind.Delete).Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(result.Completed, a => a.Kind is SyncActionKind.Upload or SyncActionKind.UpdateMetadata or SyncActionKind.Copy);
        Assert.Equal(2600, (await server.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task Without_chunked_uploads_bodies_are_sent_plain()
    {
        var bucket = await server.CreateBucketAsync(nameof(Without_chunked_uploads_bodies_are_sent_plain));
        using var harness = new EngineHarness(server, bucket) { ChunkedUploads = false };
        harness.Write("a.txt", "plain body");

        await harness.SyncSucceededAsync();

        var put = Assert.Single(server.RequestsTo(bucket).WithoutState().Uploads);
        Assert.DoesNotContain("STREAMING", put.Header("x-amz-content-sha256") ?? "", StringComparison.Ordinal);
        Assert.Null(put.Header("x-amz-trailer"));
        Assert.Equal(10, put.Bytes);
        var (body, _) = await server.GetAsync(bucket, "a.txt");
        Assert.Equal("plain body", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Cancelled_sync_leaves_a_snapshot_that_records_only_objects_the_bucket_holds_and_the_next_run_converges()
    {
        var bucket = await server.CreateBucketAsync(nameof(Cancelled_sync_leaves_a_snapshot_that_records_only_objects_the_bucket_holds_and_the_next_run_converges));
        using var harness = new EngineHarness(server, bucket);
        for (var i = 0; i < 400; i++)
        {
            harness.Write($"x/{i:000}.bin", new byte[20_000 + i]);
        }

        using var cancel = new CancellationTokenSource();
        var run = harness.SyncAsync(cancellationToken: cancel.Token);
        while (server.RequestsTo(bucket).Uploads.Count() < 20)
        {
            await Task.Delay(5);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var snapshot = new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/ at {server.Endpoint}", out var warning);
        Assert.Null(warning);
        Assert.NotNull(snapshot);
        var remote = (await server.ListAsync(bucket)).ToDictionary(o => o.Key, o => S3ETag.Normalize(o.ETag));
        Assert.InRange(snapshot.Entries.Count, 1, 399);
        foreach (var (key, entry) in snapshot.Entries)
        {
            Assert.True(remote.TryGetValue(key, out var etag), $"{key} is in the snapshot but not in the bucket");
            Assert.Equal(etag, entry.ETag);
        }

        var result = await harness.SyncSucceededAsync();
        Assert.Equal(400, (await server.ListAsync(bucket)).Count);
        Assert.Equal(400 - snapshot.Entries.Count, result.CompletedCount(SyncActionKind.Upload));
    }

    [Fact]
    public async Task Unreadable_file_fails_with_SO1009_naming_it_before_any_request()
    {
        var bucket = await server.CreateBucketAsync(nameof(Unreadable_file_fails_with_SO1009_naming_it_before_any_request));
        using var harness = new EngineHarness(server, bucket);
        harness.Write("ok.txt", "fine");
        var gone = harness.Write("gone.txt", "about to vanish");
        var request = harness.Request();
        File.Delete(gone);
        // The store as the task makes it: its client (and the credentials) only on the first request, which never comes.
        using var store = new S3ObjectStore(request.Destination);

        var result = await new StaticOffload.SyncEngine(store, new NullSyncLog()).RunAsync(request, default);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("SO1009", error.Code);
        Assert.Equal(gone, error.File);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
        Assert.False(File.Exists(harness.SnapshotPath));
    }

    [Fact]
    public async Task Unreachable_endpoint_fails_with_SO1006_after_retries()
    {
        var request = new StaticOffload.Sync.SyncRequest
        {
            Files = [],
            Destination = new S3Destination { Bucket = "any-bucket", ServiceUrl = "http://127.0.0.1:9", ForcePathStyle = true },
            SnapshotPath = Path.Combine(Path.GetTempPath(), $"staticoffload-{Guid.NewGuid():N}.json"),
        };
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.SecretKey);
        using var client = S3ClientFactory.Create(request.Destination);

        var result = await new StaticOffload.SyncEngine(new S3ObjectStore(client, request.Destination), new NullSyncLog())
            .RunAsync(request, default);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("SO1006", error.Code);
        Assert.Contains("StaticOffloadServiceUrl", error.Message);
        Assert.False(File.Exists(request.SnapshotPath));
    }
}
