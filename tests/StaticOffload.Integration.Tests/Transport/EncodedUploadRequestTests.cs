using StaticOffload.Rules;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Transport;

/// <summary>What is sent for an object with a Content-Encoding, checked on the default test server's request log.</summary>
[Collection(EngineCollection.Name)]
public sealed class EncodedUploadRequestTests(S3ServerFixture server)
{
    [Fact]
    public async Task A_streamed_upload_with_an_encoding_goes_plain_with_a_signed_sha256_and_a_crc32_and_others_stay_chunked()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_streamed_upload_with_an_encoding_goes_plain_with_a_signed_sha256_and_a_crc32_and_others_stay_chunked));
        using var harness = new EngineHarness(server, bucket, "site/") { ChunkedUploads = true };
        harness.Headers = relative => new ObjectHeaders("application/javascript", "public, max-age=60",
            relative.EndsWith(".gz", StringComparison.Ordinal) ? "gzip" : null);
        var encoded = new byte[2 * 1024 * 1024 + 1];
        new Random(5).NextBytes(encoded);
        harness.Write("app.js.gz", encoded);
        harness.Write("app.js", encoded);

        await harness.SyncSucceededAsync();

        var uploads = server.RequestsTo(bucket).Uploads.Where(r => !r.IsState).ToDictionary(r => r.Key!);
        var gz = uploads["site/app.js.gz"];
        Assert.Equal("gzip", gz.Header("content-encoding"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(encoded)), gz.Header("x-amz-content-sha256"));
        Assert.Equal(StaticOffload.Storage.S3.S3ObjectStore.Crc32Base64(encoded), gz.Header("x-amz-checksum-crc32"));
        // Without an encoding of its own the object keeps the SDK's streamed upload with a trailing CRC-32.
        Assert.StartsWith("STREAMING-", uploads["site/app.js"].Header("x-amz-content-sha256"));
        var (body, response) = await server.GetAsync(bucket, "site/app.js.gz");
        Assert.Equal(encoded, body);
        Assert.Equal("gzip", response.Headers.ContentEncoding);
    }
}
