using System.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Reliability;

/// <summary>Very many files: the sync completes, a no-change run reads no file, and memory stays bounded.</summary>
[Collection(ScaleCollection.Name)]
[Trait("Category", "Scale")]
public sealed class ScaleTests(S3ServerFixture server, ITestOutputHelper output)
{
    private static readonly int Files = int.TryParse(Environment.GetEnvironmentVariable("STATICOFFLOAD_SCALE_FILES"), out var n) ? n : 100_000;

    [Fact]
    public async Task One_hundred_thousand_small_files_sync_with_bounded_memory_and_a_no_op_rerun_sends_nothing()
    {
        var bucket = await server.CreateBucketAsync(nameof(One_hundred_thousand_small_files_sync_with_bounded_memory_and_a_no_op_rerun_sends_nothing));
        using var harness = new EngineHarness(server, bucket, "big/") { Concurrency = 32 };
        for (var i = 0; i < Files; i++)
        {
            harness.Write($"d{i % 100:00}/e{i / 100 % 10}/f{i:000000}.txt", i.ToString("x"));
        }

        long peakHeap = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                await Task.Delay(50);
            }
        });
        var clock = Stopwatch.StartNew();
        var first = await harness.SyncSucceededAsync();
        var firstTime = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        var before = server.RequestCount(bucket);
        clock.Restart();
        var second = await harness.SyncSucceededAsync();
        var secondTime = clock.Elapsed;
        var after = server.RequestCount(bucket);

        output.WriteLine($"second run: listing={second.UsedListing} {string.Join("; ", second.Diagnostics)}");
        output.WriteLine($"first sync {firstTime.TotalSeconds:0.0} s, no-op {secondTime.TotalSeconds:0.00} s, peak managed heap {peakHeap / 1_000_000} MB");
        Assert.Equal(Files, first.CompletedCount(SyncActionKind.Upload));
        Assert.Equal(Files, (await server.ListAsync(bucket)).Count);
        Assert.Equal(Files, second.Plan.Count(SyncActionKind.Unchanged));
        Assert.Equal(before, after);
        // Per file: its plan entry, digests and snapshot entries (a few KB with garbage not yet collected); the
        // content itself is never held in memory, so large files cost no more than small ones.
        Assert.InRange(peakHeap, 0, Files * 5_000L);
    }
}
