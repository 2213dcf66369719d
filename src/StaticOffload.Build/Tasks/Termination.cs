using System.Runtime.InteropServices;
using StaticOffload.Diagnostics;

namespace StaticOffload.Build.Tasks;

/// <summary>How a sync is stopped from outside: Ctrl+C reaches the task through ICancelableTask, SIGTERM through here.</summary>
internal static class Termination
{
    /// <summary>
    /// While the task runs, SIGTERM (a CI job cancelled, docker stop, kill) cancels the sync like Ctrl+C instead of
    /// ending the process: without this, the runtime exits at once, uploads cut mid-way and the snapshot not saved,
    /// so the next run repeats what was done. The build then fails with <see cref="DiagnosticCodes.SyncCancelled"/>.
    /// </summary>
    public static IDisposable? CancelOnSigterm(CancellationTokenSource cancel)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                cancel.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    public static Diagnostic Cancelled(string destination) => Diagnostic.Error(DiagnosticCodes.SyncCancelled,
        $"The sync to {destination} was cancelled (Ctrl+C or SIGTERM) before it finished. What completed is recorded in the snapshot and nothing else is; publish again to finish the sync.");
}
