using Microsoft.Build.Evaluation;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Targets;

/// <summary>
/// The package's props/targets evaluated in-process (MSBuild located with Microsoft.Build.Locator) in a restored copy
/// of a sample: defaults, and how a user overrides them — without running a build.
/// </summary>
[Collection(SyncCollection.Name)]
public sealed class PackagePropertiesTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [Fact]
    public async Task Defaults_are_set_and_the_sync_turns_on_only_with_a_bucket()
    {
        using var project = await RestoredWebAppAsync();

        var off = Evaluate(project, new());
        var on = Evaluate(project, new() { ["StaticOffloadBucket"] = "b" });

        Assert.Equal("false", off.GetPropertyValue("StaticOffloadEnabled"));
        Assert.Equal("true", on.GetPropertyValue("StaticOffloadEnabled"));
        Assert.Equal("wwwroot", on.GetPropertyValue("StaticOffloadSourceFolder"));
        Assert.Equal("256", on.GetPropertyValue("StaticOffloadMaxDeletes"));
        Assert.Equal("32", on.GetPropertyValue("StaticOffloadConcurrency"));
        Assert.Equal("true", on.GetPropertyValue("StaticOffloadDelete"));
        Assert.Equal("Skip", on.GetPropertyValue("StaticOffloadCompressedAssets"));
        Assert.Equal(Path.Combine(project.Directory, "obj", "Release", "net10.0", "staticoffload.snapshot.json"),
            on.GetPropertyValue("StaticOffloadSnapshotFile"));
        Assert.Contains("StaticOffloadResolveFiles", on.GetPropertyValue("StaticOffloadSyncDependsOn"));
        Assert.True(on.Targets.ContainsKey("StaticOffloadSync"));
        Assert.Equal("Publish", on.Targets["StaticOffloadSync"].AfterTargets);
    }

    [Fact]
    public async Task Project_properties_and_an_explicit_off_switch_win_over_the_defaults()
    {
        using var project = await RestoredWebAppAsync();
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace("</Project>", """
              <PropertyGroup>
                <StaticOffloadMaxDeletes>5</StaticOffloadMaxDeletes>
                <StaticOffloadSourceFolder>wwwroot/public</StaticOffloadSourceFolder>
              </PropertyGroup>
            </Project>
            """));

        var evaluated = Evaluate(project, new() { ["StaticOffloadBucket"] = "b", ["StaticOffloadEnabled"] = "false" });

        Assert.Equal("false", evaluated.GetPropertyValue("StaticOffloadEnabled"));
        Assert.Equal("5", evaluated.GetPropertyValue("StaticOffloadMaxDeletes"));
        Assert.Equal("wwwroot/public", evaluated.GetPropertyValue("StaticOffloadSourceFolder"));
        Assert.Equal("Docs", Assert.Single(evaluated.GetItems("StaticOffloadRule")).EvaluatedInclude);
    }

    private async Task<SampleProject> RestoredWebAppAsync()
    {
        var project = SampleProject.Copy("WebApp", feed, server);
        (await DotNet.RunAsync(project.Directory, ["restore", project.ProjectFile, "-nodeReuse:false"])).EnsureSuccess();
        return project;
    }

    private static Project Evaluate(SampleProject project, Dictionary<string, string> properties)
    {
        properties["Configuration"] = "Release";
        using var collection = new ProjectCollection(properties);
        return collection.LoadProject(project.ProjectFile);
    }
}
