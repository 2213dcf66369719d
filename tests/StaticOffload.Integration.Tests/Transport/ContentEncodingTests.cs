using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Transport;

/// <summary>
/// An object is stored with exactly the Content-Encoding it was given, on every upload path, with the AWS preset's
/// defaults (streamed aws-chunked uploads). Checked against moto, which stores a request's Content-Encoding verbatim
/// (real S3 strips the "aws-chunked" the SDK appends; moto keeps "gzip, aws-chunked", which no browser decodes).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ContentEncodingTests(MotoServerFixture moto)
{
    [Fact]
    public async Task Gzip_objects_are_stored_with_exactly_gzip_on_every_upload_path_and_after_a_header_copy()
    {
        var bucket = await moto.CreateBucketAsync(nameof(Gzip_objects_are_stored_with_exactly_gzip_on_every_upload_path_and_after_a_header_copy));
        using var harness = new EngineHarness(moto, bucket, "site/") { ChunkedUploads = true };
        var cacheControl = "public, max-age=60";
        harness.Headers = relative => relative.EndsWith(".gz", StringComparison.Ordinal)
            ? new ObjectHeaders("application/javascript", cacheControl, "gzip")
            : new ObjectHeaders("application/javascript", cacheControl);
        var files = new Dictionary<string, byte[]>
        {
            // Buffered single PUT (<= 1 MiB), streamed single PUT (1-8 MiB), multipart (>= 8 MiB).
            ["small.js.gz"] = Random(20_000, 1),
            ["medium.js.gz"] = Random(2 * 1024 * 1024 + 17, 2),
            ["large.js.gz"] = Random(9 * 1024 * 1024 + 5, 3),
            // Without an encoding of its own, a streamed upload must not leave one either.
            ["plain.js"] = Random(2 * 1024 * 1024 + 3, 4),
        };
        foreach (var (name, content) in files)
        {
            harness.Write(name, content);
        }

        await harness.SyncSucceededAsync();
        await AssertStoredAsIsAsync(bucket, files);

        // A header change is applied by CopyObject with REPLACE: the encoding must survive it, exactly.
        cacheControl = "public, max-age=120";
        var update = await harness.SyncSucceededAsync();
        Assert.Equal(files.Count, update.Completed.Count(a => a.Kind == Planning.SyncActionKind.UpdateMetadata));
        await AssertStoredAsIsAsync(bucket, files);
        Assert.Equal("public, max-age=120", (await moto.Client.GetObjectMetadataAsync(bucket, "site/medium.js.gz")).Headers.CacheControl);
    }

    /// <summary>
    /// Checked over plain HTTP, as a browser or CDN would read the object: the SDK's own HEAD hides an "aws-chunked"
    /// token in a stored Content-Encoding (moto answers "gzip, aws-chunked"; GetObjectMetadata says "gzip").
    /// </summary>
    private async Task AssertStoredAsIsAsync(string bucket, Dictionary<string, byte[]> files)
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });
        foreach (var (name, content) in files)
        {
            using var response = await http.SendAsync(Signed(HttpMethod.Get, $"{moto.Endpoint}/{bucket}/site/{name}"));
            Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode}");
            var encoding = response.Content.Headers.TryGetValues("Content-Encoding", out var values) ? string.Join(", ", values) : null;
            Assert.True((name.EndsWith(".gz", StringComparison.Ordinal) ? "gzip" : null) == encoding, $"{name}: Content-Encoding is '{encoding}'");
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(content.AsSpan().SequenceEqual(body), $"{name}: the bytes read back differ from those written ({body.Length} of {content.Length}).");
        }

        using var state = await http.SendAsync(Signed(HttpMethod.Head, $"{moto.Endpoint}/{bucket}/{RemoteState.Key("site/")}"));
        Assert.True(state.IsSuccessStatusCode);
        Assert.False(state.Content.Headers.Contains("Content-Encoding"), "the sync state object has a Content-Encoding");
    }

    /// <summary>moto checks no signature, but answers 403 to an anonymous read of a private object.</summary>
    private static HttpRequestMessage Signed(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={MotoServerFixture.AccessKey}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0");
        return request;
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
