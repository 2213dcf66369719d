using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

public class BucketAddressingTests
{
    [Theory]
    // Nothing set: the preset decides, except that a local endpoint (IP literal, localhost, *.localhost) has no
    // per-bucket DNS names and gets path style.
    [InlineData(null, "AWS", null, false)]
    [InlineData(null, "AWS", "https://s3.example.com", false)]
    [InlineData(null, "AWS", "http://127.0.0.1:9000", true)]
    [InlineData(null, "AWS", "http://10.1.2.3", true)]
    [InlineData(null, "AWS", "http://[::1]:9000/", true)]
    [InlineData(null, "AWS", "http://localhost:9000", true)]
    [InlineData(null, "AWS", "http://LocalHost:9000", true)]
    [InlineData(null, "AWS", "http://localhost.:9000", true)]
    [InlineData(null, "AWS", "http://minio.localhost:9000", true)]
    [InlineData(null, "AWS", "http://localhost.example.com:9000", false)]
    [InlineData(null, "AWS", "http://mylocalhost:9000", false)]
    [InlineData(null, "AWS", "not a url", false)]
    [InlineData(null, "R2", "https://acct.r2.cloudflarestorage.com", true)]
    [InlineData(null, "MinIO", "http://localhost:9000", true)]
    // An explicit value always wins.
    [InlineData(false, "AWS", "http://localhost:9000", false)]
    [InlineData(false, "MinIO", "http://127.0.0.1:9000", false)]
    [InlineData(true, "AWS", "https://s3.example.com", true)]
    [InlineData(true, "AWS", null, true)]
    public void Path_style_is_the_explicit_setting_else_the_preset_else_whether_the_endpoint_is_local(
        bool? configured, string provider, string? serviceUrl, bool expected) =>
        Assert.Equal(expected, BucketAddressing.UsePathStyle(configured, ProviderPreset.Resolve(provider), serviceUrl));

    // Built, not provoked: a real lookup of "<bucket>.localhost" goes to the machine's DNS resolver, and tests reach
    // nothing but 127.0.0.1. This is the chain the SDK's HttpClient throws when a name does not resolve.
    private static HttpRequestException NameNotResolved(string host) =>
        new(HttpRequestError.NameResolutionError, $"Name or service not known ({host}:9000)",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));

    private static S3Destination Destination(bool pathStyle, string? serviceUrl = "http://localhost:9000") =>
        new() { Bucket = "my-site", Prefix = "site/", ServiceUrl = serviceUrl, ForcePathStyle = pathStyle };

    [Fact]
    public void A_bucket_host_that_does_not_resolve_under_virtual_hosted_addressing_is_SO1006_naming_the_fix()
    {
        var destination = Destination(pathStyle: false);
        var cause = NameNotResolved("my-site.localhost");

        var explained = BucketAddressing.Explain(S3Errors.ToFailure(cause, destination.Describe(), "site/a.css"), cause, destination).Diagnostic;

        Assert.Equal("SO1006", explained.Code);
        Assert.Contains("my-site.localhost does not resolve", explained.Message);
        Assert.Contains("StaticOffloadForcePathStyle=true", explained.Message);
        Assert.Contains("StaticOffloadProvider", explained.Message);
    }

    [Theory]
    [InlineData(true, "http://localhost:9000")]
    [InlineData(false, null)]
    public void Other_unreachable_endpoints_keep_their_own_message(bool pathStyle, string? serviceUrl)
    {
        var destination = Destination(pathStyle, serviceUrl);
        var cause = NameNotResolved("localhost");
        var failure = S3Errors.ToFailure(cause, destination.Describe(), "site/a.css");

        Assert.Same(failure, BucketAddressing.Explain(failure, cause, destination));
    }
}
