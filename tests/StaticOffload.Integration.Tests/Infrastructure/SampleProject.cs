namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// A copy of a sample project in a temporary folder, consuming the package from the test feed: outside the repo, so
/// none of the repo's build files apply, exactly like a user's project.
/// </summary>
public sealed class SampleProject : IDisposable
{
    private readonly PackageFeedFixture _feed;
    private readonly S3ServerFixture _server;

    private SampleProject(string directory, string projectFile, PackageFeedFixture feed, S3ServerFixture server)
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

    public static SampleProject Copy(string sample, PackageFeedFixture feed, S3ServerFixture server)
    {
        var source = Path.Combine(RepoPaths.Samples, sample);
        var target = Path.Combine(Path.GetTempPath(), $"staticoffload-{sample.ToLowerInvariant()}-{Guid.NewGuid():N}");
        CopyTree(source, target);
        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
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

    /// <summary>`dotnet publish -c Release` syncing to <paramref name="bucket"/> on the local server.</summary>
    public Task<ProcessResult> PublishAsync(string bucket, params string[] properties) =>
        DotNet.RunAsync(Directory,
            new[] { "publish", ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                    $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={_server.Endpoint}",
                    "-p:StaticOffloadForcePathStyle=true" }
                .Concat(properties.Select(p => "-p:" + p)),
            Credentials());

    /// <summary>Credentials for the local server, as a CI job would export them; the server does not check them.</summary>
    public static IReadOnlyDictionary<string, string?> Credentials() => new Dictionary<string, string?>
    {
        ["AWS_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3ServerFixture.SecretKey,
        ["AWS_REGION"] = "us-east-1",
        // Nothing from the developer's own AWS setup may leak into a test.
        ["AWS_PROFILE"] = null,
        ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

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
