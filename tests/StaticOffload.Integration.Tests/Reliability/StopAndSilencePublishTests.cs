using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// A real `dotnet publish` that meets no credentials, a silent endpoint or SIGTERM: one coded error, no hang, and a
/// snapshot that stays true.
/// </summary>
[Collection(PublishFaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed partial class StopAndSilencePublishTests(S3ServerFixture server, PackageFeedFixture feed, ITestOutputHelper output)
{
    [Fact]
    public async Task A_publish_with_no_credentials_anywhere_fails_with_one_SO1027_listing_the_sources_and_sends_nothing()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(A_publish_with_no_credentials_anywhere_fails_with_one_SO1027_listing_the_sources_and_sends_nothing));
        var before = server.RequestsTo(bucket).Count;
        var environment = new Dictionary<string, string?>(server.Credentials())
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
            ["AWS_ROLE_ARN"] = null,
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
        };

        var result = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], environment);
        output.WriteLine(result.Output);

        Assert.NotEqual(0, result.ExitCode);
        var errors = ErrorLine().Matches(result.Output).Select(m => m.Value).Distinct().ToArray();
        var error = Assert.Single(errors);
        Assert.Contains("error SO1027", error);
        Assert.Contains("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: not set", error);
        Assert.Contains("profile 'default'", error);
        Assert.Contains("/nonexistent/aws-credentials (no such file)", error);
        Assert.Contains("/nonexistent/aws-config (no such file)", error);
        Assert.Contains("AWS_EC2_METADATA_DISABLED=true", error);
        Assert.Contains("StaticOffloadProfile", error);
        Assert.Contains("OIDC", error);
        Assert.DoesNotContain("web identity", error);
        Assert.DoesNotContain("SO1017", result.Output);
        Assert.Equal(before, server.RequestsTo(bucket).Count);
        Assert.Empty(await server.ListAsync(bucket, includeState: true));
    }

    [Fact]
    public async Task A_publish_against_an_endpoint_that_never_answers_fails_with_SO1029_after_StaticOffloadTimeout()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        using var silent = new SilentEndpoint();
        var clock = Stopwatch.StartNew();
        var result = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            "-p:StaticOffloadBucket=silent", $"-p:StaticOffloadServiceUrl={silent.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
            "-p:StaticOffloadTimeout=3",
        ], server.Credentials(), TimeSpan.FromMinutes(3));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s\n{result.Output}");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(ErrorLine().Matches(result.Output).Select(m => m.Value).Distinct());
        Assert.Contains("error SO1029", error);
        Assert.Contains(silent.Endpoint, error);
        Assert.Contains("StaticOffloadTimeout", error);
        // Said before the wait, at normal verbosity: which endpoint, and what the run is doing.
        var narration = result.Output.IndexOf($"s3://silent/site/ at {silent.Endpoint}: no local snapshot, reading", StringComparison.Ordinal);
        Assert.InRange(narration, 0, result.Output.IndexOf("error SO1029", StringComparison.Ordinal));
    }

    /// <summary>SIGTERM (a CI job cancelled, docker stop) and SIGINT (Ctrl+C) alike.</summary>
    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task SIGTERM_or_SIGINT_mid_sync_stops_the_publish_promptly_with_SO1032_and_the_rerun_uploads_nothing_it_recorded(int signal)
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync($"stop-signal-{signal}");
        for (var i = 0; i < 1200; i++)
        {
            var folder = Path.Combine(project.WebRoot, "gen", $"d{i % 10}");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, $"f{i:0000}.txt"), $"file {i}");
        }

        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(20) });
        string[] arguments =
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={proxy.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ];
        // Through env, which execs dotnet in its own process with SIGINT handled as a terminal's Ctrl+C would be: a test
        // run started as a shell's background job inherits SIGINT ignored, and the publish would never see it.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = project.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        foreach (var arg in arguments.Append("-p:StaticOffloadConcurrency=2"))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (key, value) in server.Credentials())
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

        var log = new System.Text.StringBuilder();
        TimeSpan stopped;
        int exitCode;
        using (var publish = Process.Start(start)!)
        {
            publish.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            publish.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            publish.BeginOutputReadLine();
            publish.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (server.RequestsTo(bucket).WithoutState().Uploads.Count() < 300 && !publish.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.False(publish.HasExited, "the publish finished before it could be stopped");
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, Kill(publish.Id, signal));
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publish.WaitForExitAsync(bound.Token);
            stopped = clock.Elapsed;
            exitCode = publish.ExitCode;
        }

        var text = log.ToString();
        output.WriteLine($"stopped {stopped.TotalSeconds:0.0} s after signal {signal}, exit code {exitCode}\n{text}");
        Assert.NotEqual(0, exitCode);
        Assert.InRange(stopped, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("error SO1032", text);

        var uploadedBeforeStop = server.RequestsTo(bucket).Count;
        var snapshot = new SnapshotStore(project.SnapshotFile).Load($"s3://{bucket}/site/ at {proxy.Endpoint}", out var warning);
        Assert.Null(warning);
        Assert.NotNull(snapshot);
        // The server had answered 300 uploads before the signal; those whose answers were still on the way (at most
        // one per request in flight: StaticOffloadConcurrency=2) were cancelled unrecorded, and are sent again below.
        Assert.InRange(snapshot.Entries.Count, 300 - 2, 1211);
        var remote = (await server.ListAsync(bucket)).ToDictionary(o => o.Key, o => Hashing.S3ETag.Normalize(o.ETag));
        Assert.All(snapshot.Entries, e => Assert.Equal(remote[e.Key], e.Value.ETag));

        (await DotNet.RunAsync(project.Directory, arguments, server.Credentials())).EnsureSuccess();
        var reuploaded = server.RequestsTo(bucket).Since(uploadedBeforeStop).WithoutState().Uploads.Select(r => r.Key!).ToHashSet();
        Assert.Equal(1212, (await server.ListAsync(bucket)).Count);
        Assert.Empty(reuploaded.Intersect(snapshot.Entries.Keys));
        Assert.Equal(1212 - snapshot.Entries.Count, reuploaded.Count);
    }

    private const int SigInt = 2;

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"error SO\d{4}:[^\r\n]*")]
    private static partial Regex ErrorLine();
}
