using System.Runtime.InteropServices;
using StaticOffload.Diagnostics;

namespace StaticOffload.Build.Tasks;

/// <summary>
/// How a sync is stopped from outside while the task runs: Ctrl+C reaches it through ICancelableTask; SIGTERM (a CI job
/// cancelled, docker stop, kill) through here. Since .NET 10 the runtime has no SIGTERM handler of its own; the dotnet
/// CLI's answers it with Environment.Exit(0) — the build ends at once with exit code 0, uploads cut mid-way, the
/// snapshot not saved. So both the signal and the process exit it triggers cancel the sync, wait (briefly) for it to
/// record what completed, and make the exit a failure with <see cref="Messages.SyncCancelledCode"/>.
/// </summary>
internal sealed class Termination : IDisposable
{
    /// <summary>How long a terminating process waits for the sync to stop and save its snapshot.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private const int SigTermExitCode = 143;

    private readonly CancellationTokenSource _cancel;
    private readonly Func<Task> _run;
    private readonly string _destination;
    private readonly IDisposable? _sigterm;
    private int _reported;

    public Termination(CancellationTokenSource cancel, Func<Task> run, string destination)
    {
        _cancel = cancel;
        _run = run;
        _destination = destination;
        try
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                _cancel.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _sigterm?.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // The process ends when this returns: stop the sync, let it save what completed, and say so ourselves, as
        // MSBuild's loggers will not get to print anything more.
        _cancel.Cancel();
        try
        {
            _run().Wait(GracePeriod);
        }
        catch (AggregateException)
        {
        }

        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            Console.Error.LogDiagnostic(Messages.SyncCancelled(_destination));
            Environment.ExitCode = SigTermExitCode;
        }
    }
}
