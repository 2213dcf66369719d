using System.Net;
using Amazon.Runtime;

namespace StaticOffload.Storage.S3;

/// <summary>
/// The HttpClient the SDK would build for itself (same connection limit, proxy, no redirects, no decompression,
/// timeout), with one change: a request whose body is under 1 MiB goes without <c>Expect: 100-continue</c>.
/// </summary>
/// <remarks>
/// The SDK asks for 100-continue on every PutObject, so that a refusal arrives before a large body is sent. For a
/// small file that is a round trip and a wake-up on both sides per object, for nothing: the body is smaller than
/// the refusal would be. The AWS CLI (botocore) asks for it only from 1 MB up; so does this.
/// <para>
/// With a silence limit (StaticOffloadTimeout), requests are bounded by <see cref="SilenceTimeoutHandler"/> instead of a
/// total time: a large part on a slow link takes as long as it takes, an endpoint that answers nothing fails the run.
/// </para>
/// </remarks>
internal sealed class S3HttpClientFactory(TimeSpan? silenceLimit = null) : HttpClientFactory
{
    private readonly EndpointSilence? _silence = silenceLimit is { } limit ? new EndpointSilence(limit) : null;

    public const long ExpectContinueFrom = 1024 * 1024;

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = clientConfig.AllowAutoRedirect,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (clientConfig.MaxConnectionsPerServer is { } connections)
        {
            handler.MaxConnectionsPerServer = connections;
        }

        if (clientConfig.GetWebProxy() is { } proxy)
        {
            handler.Proxy = proxy;
            if (clientConfig.ProxyCredentials is { } proxyCredentials)
            {
                proxy.Credentials = proxyCredentials;
            }
        }

        var client = new HttpClient(new NoExpectForSmallBodies(
            _silence is null ? handler : new SilenceTimeoutHandler(handler, _silence)));
        if (_silence is not null)
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
        }
        else if (clientConfig.Timeout is { } timeout)
        {
            client.Timeout = timeout;
        }

        return client;
    }

    internal sealed class NoExpectForSmallBodies(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content?.Headers.ContentLength is { } length && length < ExpectContinueFrom)
            {
                request.Headers.ExpectContinue = false;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
