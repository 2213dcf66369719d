namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Packs StaticOffload.Build from this repo once per test run into a local folder feed, with a version no earlier
/// run used, so NuGet's global package cache can never serve a stale build of the package.
/// </summary>
public sealed class PackageFeedFixture : IAsyncLifetime
{
    public string FeedFolder { get; } = Path.Combine(Path.GetTempPath(), $"staticoffload-feed-{Guid.NewGuid():N}");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FeedFolder);
        await DotNet.RunAsync(RepoPaths.Root,
        [
            "pack", Path.Combine("src", "StaticOffload.Build", "StaticOffload.Build.csproj"),
            "-c", "Release", "-o", FeedFolder, $"-p:Version={Version}", "-nodeReuse:false",
        ]).ContinueWith(t => t.Result.EnsureSuccess());
    }

    public string PackagePath => Path.Combine(FeedFolder, $"StaticOffload.Build.{Version}.nupkg");

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(FeedFolder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}

/// <summary>One server and one package for every test that needs them.</summary>
[CollectionDefinition(Name)]
public sealed class SyncCollection : ICollectionFixture<S3ServerFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "S3 server and package";
}
