using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Says when a slow fixture (packing the package, starting a server) starts and ends, so the terminal of a long run is
/// never silent. xUnit hands fixtures its diagnostic sink; `dotnet test` shows what it receives when
/// xunit.runner.json turns diagnostic messages on.
/// </summary>
public static class FixtureProgress
{
    public static async Task<T> StepAsync<T>(IMessageSink? sink, string what, Func<Task<T>> step)
    {
        sink?.OnMessage(new DiagnosticMessage($"[fixture] {what}…"));
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await step();
            sink?.OnMessage(new DiagnosticMessage($"[fixture] {what}: done in {clock.Elapsed.TotalSeconds:0.0} s"));
            return result;
        }
        catch (Exception ex)
        {
            sink?.OnMessage(new DiagnosticMessage($"[fixture] {what}: failed after {clock.Elapsed.TotalSeconds:0.0} s ({ex.GetType().Name})"));
            throw;
        }
    }

    public static Task StepAsync(IMessageSink? sink, string what, Func<Task> step) =>
        StepAsync(sink, what, async () =>
        {
            await step();
            return true;
        });
}
