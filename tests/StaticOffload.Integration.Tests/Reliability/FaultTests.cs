using StaticOffload.Execution;
using System.Diagnostics;
using System.Security.Cryptography;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Sync;
using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// Faults between the sync and a real S3 server, injected by a proxy on 127.0.0.1: whatever happens, the snapshot
/// never records an object the bucket does not hold as recorded, and a run without faults converges to an exact
/// mirror (every key, body and header checked).
/// </summary>
[Collection(PublishFaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class FaultTests(S3ServerFixture server, PackageFeedFixture feed, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    public static TheoryData<string, FaultProfile> Mixes => new()
    {
        { "503 SlowDown 30%", new FaultProfile { SlowDown503 = 0.3, MaxFaults = 60 } },
        { "500 InternalError 30%", new FaultProfile { InternalError500 = 0.3, MaxFaults = 60 } },
        { "reset mid-request 15%", new FaultProfile { ResetMidRequest = 0.15, MaxFaults = 40 } },
        { "reset mid-response 15%", new FaultProfile { ResetMidResponse = 0.15, MaxFaults = 40 } },
        { "truncated response 15%", new FaultProfile { TruncatedResponse = 0.15, MaxFaults = 40 } },
        { "stalls 5% (1 s) + 5 ms latency", new FaultProfile { Stall = 0.05, StallDuration = TimeSpan.FromSeconds(1), Latency = TimeSpan.FromMilliseconds(5), MaxFaults = 20 } },
        {
            "everything at once, unbounded", new FaultProfile
            {
                SlowDown503 = 0.1, InternalError500 = 0.1, ResetMidRequest = 0.1, ResetMidResponse = 0.1, TruncatedResponse = 0.1,
                Stall = 0.02, StallDuration = TimeSpan.FromMilliseconds(500),
            }
        },
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public async Task Under_faults_the_sync_completes_or_fails_clearly_and_a_clean_rerun_converges_to_an_exact_mirror(string mix, FaultProfile faults)
    {
        var bucket = await server.CreateBucketAsync("faults" + new string(mix.Where(char.IsAsciiLetterOrDigit).ToArray()));
        await using var proxy = new FaultProxy(server.Endpoint, faults);
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint };
        var random = new Random(mix.Length);
        for (var i = 0; i < 120; i++)
        {
            var content = new byte[random.Next(0, 40_000)];
            random.NextBytes(content);
            harness.Write($"assets/f{i:000}.bin", content);
        }

        var large = new byte[20 * MiB];
        random.NextBytes(large);
        harness.Write("video/large.mp4", large);
        harness.Write("index.html", "<html></html>");

        var clock = Stopwatch.StartNew();
        var faulty = await harness.SyncAsync();
        var faultyTime = clock.Elapsed;
        Assert.All(faulty.Diagnostics.Where(d => d.Severity == StaticOffload.Diagnostics.DiagnosticSeverity.Error),
            d => Assert.Matches("^SO10(0[4-6]|17|21)$", d.Code));
        await AssertSnapshotOnlyRecordsWhatTheBucketHoldsAsync(harness, bucket);

        // One more change while faults continue, then a clean run.
        File.Delete(Path.Combine(harness.Root, "assets", "f000.bin"));
        harness.Write("assets/f001.bin", "changed");
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative),
            relative.EndsWith(".html", StringComparison.Ordinal) ? "no-cache" : "public, max-age=60");
        var second = await harness.SyncAsync();
        await AssertSnapshotOnlyRecordsWhatTheBucketHoldsAsync(harness, bucket);

        proxy.Enabled = false;
        await harness.SyncSucceededAsync();
        var objects = await AssertExactMirrorAsync(harness, bucket);

        output.WriteLine($"{mix}: faulty run {(faulty.Succeeded ? "completed" : "failed clearly (" + string.Join("; ", faulty.Diagnostics.Select(d => d.Code + " " + d.Message[..Math.Min(160, d.Message.Length)])) + ")")} in {faultyTime.TotalSeconds:0.0} s, " +
                         $"second {(second.Succeeded ? "completed" : "failed")}; {proxy.FaultsInjected} faults in {proxy.RequestsSeen} requests; " +
                         $"{objects} objects checked, 0 lost");
    }

    /// <summary>Holds the first PUT of <paramref name="key"/> for 2 s: time for the test to rewrite the file.</summary>
    private FaultProxy StallFirstPut(string key) => new(server.Endpoint, new FaultProfile
    {
        Stall = 1.0, StallDuration = TimeSpan.FromSeconds(2), MaxFaults = 1,
        Eligible = (method, path) => method == "PUT" && path.Contains(key, StringComparison.Ordinal),
    });

    [Fact]
    public async Task A_large_file_rewritten_while_it_streams_is_reported_with_SO1019_and_not_recorded()
    {
        // Above the in-memory limit the SDK reads the file as it sends it, so a rewrite meanwhile mixes two versions.
        var bucket = await server.CreateBucketAsync(nameof(A_large_file_rewritten_while_it_streams_is_reported_with_SO1019_and_not_recorded));
        await using var proxy = StallFirstPut("moving.bin");
        using var harness = new EngineHarness(server, bucket) { EndpointOverride = proxy.Endpoint };
        var size = PlanExecutor.BufferedUploadLimit + 4096;
        var path = harness.Write("moving.bin", Enumerable.Repeat((byte)'a', size).ToArray());

        var run = harness.SyncAsync();
        await Task.Delay(700);
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)'b', size).ToArray());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var result = await run;

        Assert.Equal("SO1019", Assert.Single(result.Diagnostics).Code);
        Assert.False(new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/ at {proxy.Endpoint}", out _)?.Entries.ContainsKey("moving.bin") ?? false);

        proxy.Enabled = false;
        await harness.SyncSucceededAsync();
        var (body, _) = await server.GetAsync(bucket, "moving.bin");
        Assert.All(body, b => Assert.Equal((byte)'b', b));
    }

    [Fact]
    public async Task A_small_file_rewritten_while_it_uploads_is_synced_as_read_and_the_new_version_follows()
    {
        // Small files are read whole before the request: the bucket gets exactly the bytes hashed and recorded,
        // and the rewrite (a newer mtime) is a change for the next sync.
        var bucket = await server.CreateBucketAsync(nameof(A_small_file_rewritten_while_it_uploads_is_synced_as_read_and_the_new_version_follows));
        await using var proxy = StallFirstPut("moving.css");
        using var harness = new EngineHarness(server, bucket) { EndpointOverride = proxy.Endpoint };
        var path = harness.Write("moving.css", "a{color:red}");

        var run = harness.SyncAsync();
        await Task.Delay(700);
        await File.WriteAllTextAsync(path, "a{color:blue}");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var result = await run;

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        var (first, _) = await server.GetAsync(bucket, "moving.css");
        Assert.Equal("a{color:red}", System.Text.Encoding.UTF8.GetString(first));

        proxy.Enabled = false;
        var second = await harness.SyncSucceededAsync();
        Assert.Equal(1, second.CompletedCount(SyncActionKind.Upload));
        var (body, _) = await server.GetAsync(bucket, "moving.css");
        Assert.Equal("a{color:blue}", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_publish_killed_mid_sync_leaves_a_valid_snapshot_and_the_rerun_converges()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(A_publish_killed_mid_sync_leaves_a_valid_snapshot_and_the_rerun_converges));
        for (var i = 0; i < 1200; i++)
        {
            var folder = Path.Combine(project.WebRoot, "gen", $"d{i % 10}");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, $"f{i:0000}.txt"), $"file {i}");
        }

        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(20) });
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                     $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={proxy.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
                     "-p:StaticOffloadConcurrency=2",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in server.Credentials())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        using (var publish = Process.Start(start)!)
        {
            publish.OutputDataReceived += (_, _) => { };
            publish.ErrorDataReceived += (_, _) => { };
            publish.BeginOutputReadLine();
            publish.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (server.RequestsTo(bucket).Uploads.Count() < 500 && !publish.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.False(publish.HasExited, "the publish finished before it could be killed");
            publish.Kill(entireProcessTree: true);
            await publish.WaitForExitAsync();
        }

        var uploadedBeforeKill = server.RequestsTo(bucket).Uploads.Count();
        var snapshot = new SnapshotStore(project.SnapshotFile).Load($"s3://{bucket}/site/ at {proxy.Endpoint}", out var warning);
        Assert.Null(warning);
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Entries.Count, 1, 1211);
        var remote = (await server.ListAsync(bucket)).ToDictionary(o => o.Key, o => S3ETag.Normalize(o.ETag));
        Assert.All(snapshot.Entries, e => Assert.Equal(remote[e.Key], e.Value.ETag));

        var rerun = (await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={proxy.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], server.Credentials())).EnsureSuccess();

        Assert.Equal(1212, (await server.ListAsync(bucket)).Count);
        var reuploaded = server.RequestsTo(bucket).WithoutState().Uploads.Count() - uploadedBeforeKill;
        output.WriteLine($"killed after {uploadedBeforeKill} uploads; snapshot had {snapshot.Entries.Count}; the rerun uploaded {reuploaded}");
        Assert.InRange(reuploaded, 1, 1212 - snapshot.Entries.Count + 16);
        Assert.Contains("StaticOffload:", rerun.Output);
    }

    private async Task AssertSnapshotOnlyRecordsWhatTheBucketHoldsAsync(EngineHarness harness, string bucket)
    {
        var snapshot = new SnapshotStore(harness.SnapshotPath).Load(Destination(harness, bucket), out var warning);
        Assert.Null(warning);
        if (snapshot is null)
        {
            return;
        }

        var remote = (await server.ListAsync(bucket)).ToDictionary(o => o.Key, o => S3ETag.Normalize(o.ETag));
        foreach (var (key, entry) in snapshot.Entries)
        {
            Assert.True(remote.TryGetValue(key, out var etag), $"{key} is recorded but not in the bucket");
            Assert.Equal(etag, entry.ETag);
        }
    }

    private async Task<int> AssertExactMirrorAsync(EngineHarness harness, string bucket)
    {
        var local = Directory.EnumerateFiles(harness.Root, "*", SearchOption.AllDirectories)
            .ToDictionary(p => "site/" + Path.GetRelativePath(harness.Root, p).Replace('\\', '/'), p => p, StringComparer.Ordinal);
        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(local.Keys.Order(StringComparer.Ordinal), keys);
        foreach (var (key, path) in local)
        {
            var (body, response) = await server.GetAsync(bucket, key);
            Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(path)), SHA256.HashData(body));
            var expected = harness.Headers(key["site/".Length..]);
            Assert.Equal(expected.ContentType, response.Headers.ContentType);
            Assert.True(ObjectHeaders.CacheControlEquivalent(expected.CacheControl, response.Headers.CacheControl), key);
        }

        return local.Count;
    }

    private string Destination(EngineHarness harness, string bucket) =>
        $"s3://{bucket}/{harness.Prefix} at {harness.EndpointOverride ?? server.Endpoint}";

    [Fact]
    public async Task A_long_sync_reports_progress_and_checkpoints_the_snapshot_while_it_runs()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_long_sync_reports_progress_and_checkpoints_the_snapshot_while_it_runs));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(40) });
        using var harness = new EngineHarness(server, bucket)
        {
            EndpointOverride = proxy.Endpoint, Concurrency = 2, ProgressInterval = TimeSpan.FromMilliseconds(300),
        };
        for (var i = 0; i < 60; i++)
        {
            harness.Write($"f{i:00}.txt", new string('x', 1000));
        }

        var run = harness.SyncAsync();
        while (!File.Exists(harness.SnapshotPath) && !run.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(run.IsCompleted, "no checkpoint was written while the sync ran");
        var checkpoint = new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/ at {proxy.Endpoint}", out var warning);
        Assert.Null(warning);
        Assert.InRange(checkpoint!.Entries.Count, 0, 59);
        Assert.True((await run).Succeeded);
        var progress = harness.Messages.Where(m => m.Contains(" changes, ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.Matches(@"^StaticOffload: \d+/60 changes, [\d.]+ K?B/60 KB sent \([\d.]+ K?B/s\)$", progress[0]);
    }
}
