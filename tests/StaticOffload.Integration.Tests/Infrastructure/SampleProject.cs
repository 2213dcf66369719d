namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// A copy of a sample project in a temporary folder, consuming the package from the test feed: outside the repo, so
/// none of the repo's build files apply, exactly like a user's project.
/// </summary>
public sealed class SampleProject : IDisposable
{
    private readonly PackageFeedFixture _feed;
    private readonly LocalS3Server _server;

    private SampleProject(string directory, string projectFile, PackageFeedFixture feed, LocalS3Server server)
    {
        Directory = directory;
        ProjectFile = projectFile;
        _feed = feed;
        _server = server;
    }

    public string Directory { get; }

    public string ProjectFile { get; }

    public string WebRoot => Path.Combine(Directory, "wwwroot");

    public string SnapshotFile => Path.Combine(Directory, "obj", "Release", "net10.0", "staticoffload.snapshot.json");

    /// <param name="registry">
    /// Also restore from the machine's configured NuGet sources, for samples with dependencies of their own (Blazor);
    /// otherwise the test feed is the only source, so nothing but this repo's package can be restored.
    /// </param>
    public static SampleProject Copy(string sample, PackageFeedFixture feed, LocalS3Server server, bool registry = false)
    {
        var source = Path.Combine(RepoPaths.Samples, sample);
        var target = Path.Combine(Path.GetTempPath(), $"staticoffload-{sample.ToLowerInvariant()}-{Guid.NewGuid():N}");
        CopyTree(source, target);
        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                {(registry ? "" : "<clear />")}
                <add key="test-feed" value="{feed.FeedFolder}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(target, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <StaticOffloadPackageVersion>{feed.Version}</StaticOffloadPackageVersion>
              </PropertyGroup>
            </Project>
            """);
        var projectFile = System.IO.Directory.GetFiles(target, "*.csproj").Single();
        return new SampleProject(target, projectFile, feed, server);
    }

    public string PublishedWebRoot => Path.Combine(Directory, "bin", "Release", "net10.0", "publish", "wwwroot");

    /// <summary>`dotnet publish -c Release` syncing to <paramref name="bucket"/> on the local server.</summary>
    public Task<ProcessResult> PublishAsync(string bucket, params string[] properties) =>
        PublishThroughAsync(_server.Endpoint, bucket, properties);

    /// <summary>`dotnet publish -c Release` syncing to <paramref name="bucket"/> through <paramref name="endpoint"/> (a proxy of the local server).</summary>
    public Task<ProcessResult> PublishThroughAsync(string endpoint, string bucket, params string[] properties) =>
        RunPublishAsync(endpoint, bucket, [], properties);

    /// <summary>`dotnet publish -c Release -v:<paramref name="verbosity"/>` syncing to <paramref name="bucket"/> on the local server.</summary>
    public Task<ProcessResult> PublishAtVerbosityAsync(string verbosity, string bucket, params string[] properties) =>
        RunPublishAsync(_server.Endpoint, bucket, [$"-v:{verbosity}"], properties);

    private Task<ProcessResult> RunPublishAsync(string endpoint, string bucket, string[] arguments, string[] properties) =>
        DotNet.RunAsync(Directory,
            new[] { "publish", ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                    $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={endpoint}",
                    "-p:StaticOffloadForcePathStyle=true" }
                .Concat(arguments)
                .Concat(_server.PublishProperties.Concat(properties).Select(p => "-p:" + p)),
            Environment());

    /// <summary>`dotnet msbuild -t:<paramref name="target"/>` (no build, no restore) against <paramref name="bucket"/> on the local server.</summary>
    public Task<ProcessResult> RunTargetAsync(string target, string bucket, params string[] properties) =>
        DotNet.RunAsync(Directory,
            new[] { "msbuild", ProjectFile, $"-t:{target}", "-p:Configuration=Release", "-nodeReuse:false",
                    $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={_server.Endpoint}",
                    "-p:StaticOffloadForcePathStyle=true" }
                .Concat(_server.PublishProperties.Concat(properties).Select(p => "-p:" + p)),
            Environment());

    /// <summary>More environment variables for the builds this project runs (beside the server's credentials).</summary>
    public Dictionary<string, string?> ExtraEnvironment { get; } = new(StringComparer.Ordinal);

    private Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(_server.Credentials(), StringComparer.Ordinal);
        foreach (var (name, value) in ExtraEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void CopyTree(string source, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var dir in System.IO.Directory.GetDirectories(source))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj")
            {
                continue;
            }

            CopyTree(dir, Path.Combine(target, name));
        }
    }
}
