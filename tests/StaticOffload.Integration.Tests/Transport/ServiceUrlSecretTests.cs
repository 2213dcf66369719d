using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Transport;

/// <summary>Credentials in StaticOffloadServiceUrl fail the publish before any request, and are written nowhere.</summary>
[Collection(SyncCollection.Name)]
public sealed class ServiceUrlSecretTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [Fact]
    public async Task A_service_url_with_a_password_fails_with_SO1031_and_the_password_is_in_no_output()
    {
        const string password = "Zq8-not-for-logs-41c7d2";
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(A_service_url_with_a_password_fails_with_SO1031_and_the_password_is_in_no_output));
        var endpoint = new Uri(server.Endpoint);
        var serviceUrl = $"http://AKIAEXAMPLE:{password}@{endpoint.Authority}/";
        var stepSummary = Path.Combine(project.Directory, "step-summary.md");
        var environment = new Dictionary<string, string?>(server.Credentials()) { ["GITHUB_STEP_SUMMARY"] = stepSummary };

        var result = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={serviceUrl}", "-p:StaticOffloadForcePathStyle=true",
        ], environment);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SO1031", result.Output);
        Assert.Contains($"http://***@{endpoint.Authority}/", result.Output);
        Assert.Contains("AWS_ACCESS_KEY_ID", result.Output);
        Assert.DoesNotContain(password, result.Output);
        var obj = Path.Combine(project.Directory, "obj", "Release", "net10.0");
        var report = Path.Combine(obj, "staticoffload.report.json");
        Assert.True(File.Exists(report), "the failed run still writes its report");
        Assert.Contains("SO1031", await File.ReadAllTextAsync(report));
        Assert.True(File.Exists(stepSummary), "the failed run still writes its step summary");
        // The report, the step summary, the snapshot and anything else the build wrote.
        foreach (var file in Directory.EnumerateFiles(project.Directory, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            Assert.False((await File.ReadAllTextAsync(file)).Contains(password, StringComparison.Ordinal), $"{file} holds the password");
        }

        // Nothing reached the bucket: no object, no sync state, not a single request for a key.
        Assert.Empty(await server.ListAsync(bucket, includeState: true));
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
    }
}
