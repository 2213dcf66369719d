using StaticOffload.Diagnostics;

namespace StaticOffload.Sync;

/// <summary>Where the engine reports; the task forwards it to MSBuild's logger at the matching importance.</summary>
public interface ISyncLog
{
    /// <summary>
    /// Shown at every verbosity, minimal included (MSBuild's High importance): the summary, and what keeps a run
    /// waiting (the endpoint being read, progress, another deploy's lease), so a slow run is never a silent one.
    /// </summary>
    void Important(string message);

    /// <summary>Shown from normal verbosity on (MSBuild's Normal importance): one line per change, as `aws s3 sync` prints.</summary>
    void Change(string message);

    /// <summary>Shown at detailed verbosity: unchanged keys, timings, bookkeeping.</summary>
    void Detail(string message);

    void Report(Diagnostic diagnostic);
}
