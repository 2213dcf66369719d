using Amazon.S3.Model;
using StaticOffload.Diagnostics;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>Credentials refused by the store are found on the first request, before anything is changed.</summary>
public sealed class CredentialTests
{
    [Fact]
    public async Task Credentials_the_store_rejects_fail_with_SO1028_naming_their_source_before_anything_is_written()
    {
        var moto = new MotoAuthServerFixture();
        await moto.InitializeAsync();
        try
        {
            // The server's only unchecked requests: the bucket and an object that must survive the run.
            const string bucket = "rejected-keys";
            await moto.Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
            await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/old.html", ContentBody = "old" });

            using var harness = new EngineHarness(moto, bucket, "site/");
            harness.Write("index.html", "<h1>new</h1>");
            harness.Write("css/site.css", "body{}");
            var result = await harness.SyncAsync();

            Assert.False(result.Succeeded);
            var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.Equal(Messages.CredentialsRejectedCode, error.Code);
            Assert.Contains("InvalidAccessKeyId", error.Message);
            Assert.Contains("environment variables AWS_ACCESS_KEY_ID", error.Message);
            Assert.Contains(CredentialSourcesMask(S3ServerFixture.AccessKey), error.Message);
            Assert.DoesNotContain(S3ServerFixture.AccessKey, error.Message);
            Assert.DoesNotContain(S3ServerFixture.SecretKey, error.Message);
            Assert.Empty(result.Completed);
            Assert.Equal(["site/old.html"], await moto.KeysAsync(bucket));
        }
        finally
        {
            await moto.DisposeAsync();
        }
    }

    private static string CredentialSourcesMask(string key) => "…" + key[^4..];
}
