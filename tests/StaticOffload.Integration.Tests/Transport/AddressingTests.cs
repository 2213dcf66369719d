using System.Diagnostics;
using StaticOffload.Diagnostics;
using StaticOffload.Storage.S3;
using StaticOffload.Sync;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Transport;

/// <summary>
/// Path-style or virtual-hosted addressing: chosen for a local endpoint without being asked, and named in the error
/// when virtual-hosted addressing meets a bucket host name that does not resolve. Everything stays on 127.0.0.1:
/// "localhost" is in /etc/hosts, and a "&lt;bucket&gt;.localhost" name is loopback or nothing (RFC 6761); on this
/// machine kind it does not resolve (.NET 10 on glibc, hosts: files dns).
/// </summary>
[Collection(SyncCollection.Name)]
public sealed class AddressingTests(S3ServerFixture server, PackageFeedFixture feed)
{
    private string LocalhostEndpoint => $"http://localhost:{new Uri(server.Endpoint).Port}";

    [Fact]
    public async Task A_localhost_service_url_with_the_AWS_preset_and_no_ForcePathStyle_publishes()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(A_localhost_service_url_with_the_AWS_preset_and_no_ForcePathStyle_publishes));

        var result = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={LocalhostEndpoint}", "-p:StaticOffloadProvider=AWS",
        ], server.Credentials());

        result.EnsureSuccess();
        Assert.Contains("12 uploaded", result.Output);
        Assert.Equal(12, (await server.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task Explicit_virtual_hosted_addressing_on_an_unresolvable_bucket_host_fails_with_SO1006_naming_the_fix()
    {
        var bucket = await server.CreateBucketAsync("vhost");
        using var harness = new EngineHarness(server, bucket, "site/");
        harness.Write("index.html", "<html></html>");
        var request = harness.Request() with
        {
            Destination = harness.Request().Destination with { ServiceUrl = LocalhostEndpoint, ForcePathStyle = false },
        };
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.SecretKey);
        using var client = S3ClientFactory.Create(request.Destination);
        var clock = Stopwatch.StartNew();

        var result = await new SyncEngine(new S3ObjectStore(client, request.Destination), new NullSyncLog()).RunAsync(request, default);

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("SO1006", error.Code);
        Assert.Contains($"{bucket}.localhost", error.Message);
        Assert.Contains("StaticOffloadForcePathStyle=true", error.Message);
        Assert.Contains("StaticOffloadProvider", error.Message);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Explicit_ForcePathStyle_false_wins_over_the_localhost_default_in_a_publish()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Explicit_ForcePathStyle_false_wins_over_the_localhost_default_in_a_publish));

        var result = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={LocalhostEndpoint}", "-p:StaticOffloadForcePathStyle=false",
        ], server.Credentials());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SO1006", result.Output);
        Assert.Contains($"{bucket.ToLowerInvariant()}.localhost", result.Output);
        Assert.Contains("StaticOffloadForcePathStyle=true", result.Output);
        Assert.Empty(await server.ListAsync(bucket, includeState: true));
    }
}
