using StaticOffload.Diagnostics;

namespace StaticOffload.Sync;

/// <summary>Where the engine reports; the task forwards it to MSBuild's logger at the matching importance.</summary>
public interface ISyncLog
{
    /// <summary>Shown at normal verbosity: the summary and what a user must know.</summary>
    void Important(string message);

    /// <summary>Shown at detailed verbosity: one line per file, timings.</summary>
    void Detail(string message);

    void Report(Diagnostic diagnostic);
}
