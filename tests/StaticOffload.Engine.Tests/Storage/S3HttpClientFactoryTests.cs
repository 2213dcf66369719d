using System.Net;
using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

public class S3HttpClientFactoryTests
{
    /// <summary>Records what would go on the wire instead of sending it.</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        public bool? ExpectContinue { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ExpectContinue = request.Headers.ExpectContinue;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(200_000, false)]
    [InlineData(S3HttpClientFactory.ExpectContinueFrom - 1, false)]
    [InlineData(S3HttpClientFactory.ExpectContinueFrom, true)]
    [InlineData(8 * 1024 * 1024, true)]
    public async Task Only_bodies_of_1_MiB_or_more_ask_for_100_continue(long length, bool expected)
    {
        var recorder = new Recorder();
        using var client = new HttpClient(new S3HttpClientFactory.NoExpectForSmallBodies(recorder));
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:9/b/k")
        {
            Content = new ByteArrayContent(new byte[length]),
        };
        request.Headers.ExpectContinue = true;

        await client.SendAsync(request);

        Assert.Equal(expected, recorder.ExpectContinue);
    }
}
