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
}
