using System.Diagnostics;
using System.Text;

namespace StaticOffload.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string Output)
{
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"Exit code {ExitCode}:\n{Output}");
        }

        return this;
    }
}

/// <summary>Runs the dotnet CLI as a user would, isolated from the test host's own MSBuild environment.</summary>
public static class DotNet
{
    public static async Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would steer the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        // Build servers outlive the build and would hold the output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', start.ArgumentList)} did not finish in time:\n{output}");
        }

        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}
