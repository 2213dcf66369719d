using System.IO.Compression;
using System.Text;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Reliability;

/// <summary>Private by default, no server file in the bucket, no secret in any log — checked on real publishes.</summary>
[Collection(SyncCollection.Name)]
public sealed class SecurityTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [Fact]
    public async Task Syncing_the_whole_publish_output_never_uploads_server_files_and_sends_no_acl()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Syncing_the_whole_publish_output_never_uploads_server_files_and_sends_no_acl));

        (await project.PublishAsync(bucket, "StaticOffloadSourceFolder=.", "StaticOffloadPrefix=")).EnsureSuccess();

        var publishDir = Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish");
        Assert.True(File.Exists(Path.Combine(publishDir, "WebApp.dll")));
        Assert.True(File.Exists(Path.Combine(publishDir, "appsettings.json")));
        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).ToArray();
        Assert.Contains("wwwroot/css/site.css", keys);
        Assert.DoesNotContain(keys, k => k.EndsWith(".dll", StringComparison.Ordinal) || k.EndsWith(".pdb", StringComparison.Ordinal)
            || k.StartsWith("appsettings", StringComparison.Ordinal) || k == "web.config" || k.EndsWith(".deps.json", StringComparison.Ordinal)
            || k.EndsWith(".runtimeconfig.json", StringComparison.Ordinal) || k == "WebApp" || k.Contains("staticwebassets", StringComparison.Ordinal));
        // Endpoint headers still reach files below wwwroot when the whole output is synced.
        var (_, css) = await server.GetAsync(bucket, "wwwroot/css/site.css");
        Assert.Equal("no-cache", css.Headers.CacheControl);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Header("x-amz-acl") is not null);
    }

    [Fact]
    public async Task No_credential_appears_in_the_console_log_or_the_binary_log()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(No_credential_appears_in_the_console_log_or_the_binary_log));
        const string sessionToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789";
        var environment = new Dictionary<string, string?>(server.Credentials()) { ["AWS_SESSION_TOKEN"] = sessionToken };
        var binlog = Path.Combine(project.Directory, "publish.binlog");

        var ok = (await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-v:diag", $"-bl:{binlog}",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], environment)).EnsureSuccess();
        var failed = await DotNet.RunAsync(project.Directory,
        [
            "publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", "-v:diag",
            "-p:StaticOffloadBucket=no-such-bucket-for-secrets", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], environment);

        Assert.Contains("12 uploaded", ok.Output);
        Assert.Contains("SO1004", failed.Output);
        var binlogText = ReadBinlogStrings(binlog);
        Assert.Contains("StaticOffload:", binlogText);
        foreach (var secret in new[] { server.SecretKeyValue, sessionToken })
        {
            Assert.DoesNotContain(secret, ok.Output);
            Assert.DoesNotContain(secret, failed.Output);
            Assert.DoesNotContain(secret, binlogText);
        }
    }

    /// <summary>A binary log is a gzip stream of records whose strings are UTF-8; a plain scan finds any text in it.</summary>
    private static string ReadBinlogStrings(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }
}
