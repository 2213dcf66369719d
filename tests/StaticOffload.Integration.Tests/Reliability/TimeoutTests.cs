using System.Diagnostics;
using StaticOffload.Diagnostics;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// No hang, ever: an endpoint that answers nothing fails the run within StaticOffloadTimeout with SO1029, while a
/// slow link that keeps moving bytes is never cut off.
/// </summary>
[Collection(EngineCollection.Name)]
[Trait("Category", "Faults")]
public sealed class TimeoutTests(S3ServerFixture server, ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task An_endpoint_that_accepts_and_never_answers_fails_the_run_with_SO1029_within_the_timeout()
    {
        using var silent = new SilentEndpoint();
        using var harness = new EngineHarness(server, "never-answers")
        {
            EndpointOverride = silent.Endpoint,
            Timeout = TimeSpan.FromSeconds(3),
        };
        harness.Write("index.html", "<h1>hi</h1>");
        harness.Write("css/site.css", "body{}");

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();
        var result = await harness.SyncAsync(cancellationToken: guard.Token);
        clock.Stop();
        output.WriteLine($"failed after {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(" | ", result.Diagnostics)}");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.EndpointTimeoutCode, error.Code);
        Assert.Contains(silent.Endpoint, error.Message);
        Assert.Contains("StaticOffloadTimeout", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10));
        Assert.True(silent.ConnectionsAccepted >= 1);
        Assert.Empty(result.Completed);
        var snapshot = new SnapshotStore(harness.SnapshotPath).Load(harness.Request().Destination.Describe(), out _);
        Assert.True(snapshot is null || snapshot.Entries.Count == 0);
    }

    [Fact]
    public async Task An_endpoint_that_stops_answering_after_a_snapshot_fails_before_any_change_with_SO1029()
    {
        var bucket = await server.CreateBucketAsync(nameof(An_endpoint_that_stops_answering_after_a_snapshot_fails_before_any_change_with_SO1029));
        using var harness = new EngineHarness(server, bucket) { Timeout = TimeSpan.FromSeconds(3) };
        harness.Write("index.html", "<h1>one</h1>");
        await harness.SyncSucceededAsync();

        using var silent = new SilentEndpoint();
        harness.EndpointOverride = silent.Endpoint;
        harness.Write("index.html", "<h1>two</h1>");
        var clock = Stopwatch.StartNew();
        var result = await harness.SyncAsync();
        clock.Stop();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.EndpointTimeoutCode, error.Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10));
        Assert.Empty(result.Completed);
    }

    [Fact]
    public async Task A_slow_but_steady_large_upload_is_not_cut_off_by_the_timeout()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_slow_but_steady_large_upload_is_not_cut_off_by_the_timeout));
        // 2 MiB/s: each 8 MiB part takes about 4 s on the wire, longer than the 3 s timeout, but bytes keep moving.
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { RequestBytesPerSecond = 2 * MiB });
        using var harness = new EngineHarness(server, bucket)
        {
            EndpointOverride = proxy.Endpoint,
            Timeout = TimeSpan.FromSeconds(3),
        };
        var content = new byte[18 * MiB];
        new Random(7).NextBytes(content);
        harness.Write("video/big.bin", content);

        var clock = Stopwatch.StartNew();
        var result = await harness.SyncAsync();
        clock.Stop();
        output.WriteLine($"uploaded in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        // The parts go side by side, each on its own throttled connection: the 8 MiB ones took 4 s, longer than the timeout.
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(3.8), $"the throttle did not slow the upload ({clock.Elapsed})");
        var stored = Assert.Single(await server.ListAsync(bucket, "video/"));
        Assert.Equal(content.Length, stored.Size);
    }
}
