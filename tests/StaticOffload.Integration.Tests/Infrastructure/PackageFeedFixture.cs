using Xunit.Abstractions;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Packs StaticOffload.Build from this repo once per test run into a local folder feed, with a version no earlier
/// run used, so NuGet's global package cache can never serve a stale build of the package.
/// </summary>
/// <param name="progress">xUnit's diagnostic sink: the pack is announced, as it takes a while.</param>
public sealed class PackageFeedFixture(IMessageSink progress) : IAsyncLifetime
{
    // One pack per test process, shared by every collection that asks for the feed (collections may run in parallel).
    private static readonly string SharedFolder = Path.Combine(Path.GetTempPath(), $"staticoffload-feed-{Guid.NewGuid():N}");
    private static readonly string SharedVersion = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    private static readonly object PackGate = new();
    private static Task? _pack;

    public string FeedFolder => SharedFolder;

    public string Version => SharedVersion;

    public async Task InitializeAsync()
    {
        lock (PackGate)
        {
            _pack ??= FixtureProgress.StepAsync(progress, $"packing StaticOffload.Build {SharedVersion} into the test feed", PackAsync);
        }

        await _pack;
    }

    private static async Task PackAsync()
    {
        Directory.CreateDirectory(SharedFolder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(SharedFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        (await DotNet.RunAsync(RepoPaths.Root,
        [
            "pack", Path.Combine("src", "StaticOffload.Build", "StaticOffload.Build.csproj"),
            "-c", "Release", "-o", SharedFolder, $"-p:Version={SharedVersion}", "-nodeReuse:false",
        ])).EnsureSuccess();
    }

    public string PackagePath => Path.Combine(FeedFolder, $"StaticOffload.Build.{Version}.nupkg");

    // Each collection disposes its fixtures when it ends, while others may still publish: the shared feed goes when
    // the process does.
    public Task DisposeAsync() => Task.CompletedTask;
}
