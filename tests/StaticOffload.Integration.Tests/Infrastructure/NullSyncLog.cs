using StaticOffload.Diagnostics;
using StaticOffload.Sync;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>For tests that assert on the result, not on the log.</summary>
public sealed class NullSyncLog : ISyncLog
{
    public void Important(string message) { }

    public void Change(string message) { }

    public void Detail(string message) { }

    public void Report(Diagnostic diagnostic) { }
}
