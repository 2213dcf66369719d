using System.Text.Json;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Publish;

/// <summary>The ways a project meets the package: app kinds, multi-targeting, CI overrides, reports.</summary>
[Collection(SyncCollection.Name)]
public sealed class IntegrationPathTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [Fact]
    public async Task Plain_static_folder_project_without_the_web_sdk_syncs_its_folder()
    {
        using var project = SampleProject.Copy("StaticSite", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Plain_static_folder_project_without_the_web_sdk_syncs_its_folder));

        (await project.PublishAsync(bucket)).EnsureSuccess();

        Assert.Equal(["css/main.css", "docs/about.html", "img/dot.svg", "index.html", "sitemap.xml"],
            (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal));
        var (_, html) = await server.GetAsync(bucket, "index.html");
        Assert.True(Rules.ObjectHeaders.CacheControlEquivalent("public, max-age=0, must-revalidate", html.Headers.CacheControl));
        var (_, xml) = await server.GetAsync(bucket, "sitemap.xml");
        Assert.Equal("text/xml", xml.Headers.ContentType);
    }

    [Fact]
    public async Task Multi_targeted_project_syncs_once()
    {
        using var project = SampleProject.Copy("StaticSite", feed, server, registry: true);
        var bucket = await server.CreateBucketAsync(nameof(Multi_targeted_project_syncs_once));
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0;net9.0</TargetFrameworks>"));
        string[] sync = [$"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true"];

        var publish = (await DotNet.RunAsync(project.Directory, ["publish", project.ProjectFile, "-c", "Release", "-f", "net10.0", "-nodeReuse:false", .. sync],
            server.Credentials())).EnsureSuccess();
        var again = (await DotNet.RunAsync(project.Directory, ["msbuild", project.ProjectFile, "-t:StaticOffloadSync", "-p:Configuration=Release", "-nodeReuse:false", .. sync],
            server.Credentials())).EnsureSuccess();

        // One summary line per run ("StaticOffload: s3://… — counts"), whatever else the run says on the way.
        static bool Summary(string l) => l.Contains("StaticOffload: s3://", StringComparison.Ordinal) && l.Contains(" — ", StringComparison.Ordinal);
        Assert.Single(publish.Output.Split('\n'), Summary);
        var line = Assert.Single(again.Output.Split('\n'), Summary);
        Assert.Contains("0 uploaded (0 B), 0 metadata updated, 0 deleted, 5 unchanged", line);
    }

    [Fact]
    public async Task Environment_variables_configure_the_sync_like_properties_do()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Environment_variables_configure_the_sync_like_properties_do));
        var environment = new Dictionary<string, string?>(server.Credentials())
        {
            ["StaticOffloadBucket"] = bucket,
            ["StaticOffloadServiceUrl"] = server.Endpoint,
            ["StaticOffloadForcePathStyle"] = "true",
            ["StaticOffloadPrefix"] = "from-env/",
        };

        var result = (await DotNet.RunAsync(project.Directory, ["publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false"], environment)).EnsureSuccess();

        Assert.Contains($"s3://{bucket}/from-env/", result.Output);
        Assert.Equal(12, (await server.ListAsync(bucket, "from-env/")).Count);
    }

    [Fact]
    public async Task The_run_is_reported_as_json_in_obj_and_as_a_github_step_summary()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(The_run_is_reported_as_json_in_obj_and_as_a_github_step_summary));
        var summary = Path.Combine(project.Directory, "step-summary.md");
        var environment = new Dictionary<string, string?>(server.Credentials()) { ["GITHUB_STEP_SUMMARY"] = summary };

        (await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", $"-p:StaticOffloadBucket={bucket}",
            $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], environment)).EnsureSuccess();

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project.Directory, "obj", "Release", "net10.0", "staticoffload.report.json")));
        var root = report.RootElement;
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(12, root.GetProperty("counts").GetProperty("uploaded").GetInt32());
        Assert.Equal(12, root.GetProperty("actions").GetArrayLength());
        Assert.Contains(root.GetProperty("actions").EnumerateArray(), a => a.GetProperty("key").GetString() == "site/index.html"
            && a.GetProperty("phase").GetString() == "EntryFiles" && a.GetProperty("done").GetBoolean());
        var markdown = await File.ReadAllTextAsync(summary);
        Assert.Contains($"### StaticOffload: `s3://{bucket}/site/", markdown);
        Assert.Contains("| 12 | 0 | 0 | 0 | 0 |", markdown);
    }
}
