using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Transport;

/// <summary>
/// Path-style addressing is chosen for a local endpoint without being asked. "localhost" is in /etc/hosts, so this
/// stays on 127.0.0.1; the error for a bucket host name that does not resolve is tested in the engine's unit tests
/// (BucketAddressingTests), because looking up "&lt;bucket&gt;.localhost" asks the machine's DNS resolver.
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
}
