using System.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Reporting;
using StaticOffload.Sync;

namespace StaticOffload.Execution;

/// <summary>While a plan executes: a progress line every interval (changes done, bytes sent, rate). It only logs.</summary>
public sealed class ProgressReporter(ISyncLog log)
{
    public async Task RunAsync(PlanExecutor executor, SyncPlan plan, Stopwatch stopwatch, TimeSpan interval, CancellationToken stop)
    {
        var total = plan.Changes.Count();
        var totalBytes = plan.UploadBytes;
        if (total == 0 || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        long lastBytes = 0;
        var lastTime = stopwatch.Elapsed;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var bytes = executor.BytesSent;
                var now = stopwatch.Elapsed;
                var rate = (bytes - lastBytes) / Math.Max(0.001, (now - lastTime).TotalSeconds);
                (lastBytes, lastTime) = (bytes, now);
                log.Important($"StaticOffload: {Format.Count(executor.Done)}/{Format.Count(total)} changes, {Format.Bytes(bytes)}/{Format.Bytes(totalBytes)} sent ({Format.Bytes((long)rate)}/s)");
            }
        }
        catch (OperationCanceledException)
        {
            // The execution ended.
        }
    }
}
