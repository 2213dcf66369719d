using System.Diagnostics;
using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using StaticOffload.Diagnostics;
using StaticOffload.Reporting;
using StaticOffload.Sync;

namespace StaticOffload.Cdn;

/// <summary>
/// The one CloudFront call a deploy makes, CreateInvalidation (and GetInvalidation to wait for it), as plain REST:
/// AWSSDK.CloudFront is not among the package's dependencies. Requests are signed by AWSSDK.Core's own SigV4 handler,
/// with the credentials the S3 client uses.
/// </summary>
public sealed class CloudFrontInvalidator : IDisposable
{
    /// <summary>CloudFront's one global endpoint.</summary>
    public const string DefaultEndpoint = "https://cloudfront.amazonaws.com";

    /// <summary>A wait ends here even if CloudFront still reports InProgress: the invalidation completes on its own.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(30);

    private const int Attempts = 4;

    private readonly HttpClient _http;
    private readonly string _endpoint;
    private readonly string _distribution;
    private readonly ISyncLog _log;
    private readonly TimeSpan _poll;

    public CloudFrontInvalidator(AWSCredentials credentials, CloudFrontSettings settings, ISyncLog log)
    {
        // CloudFront is global: every request is signed for us-east-1 and the service name "cloudfront".
        _http = new HttpClient(new SigV4SigningHandler(credentials, RegionEndpoint.USEast1, "cloudfront", new SocketsHttpHandler()))
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        _endpoint = (settings.Endpoint ?? DefaultEndpoint).TrimEnd('/');
        _distribution = settings.DistributionId;
        _log = log;
        _poll = settings.PollInterval;
    }

    public async Task<Invalidation> InvalidateAsync(IReadOnlyList<string> paths, bool wait, CancellationToken cancellationToken)
    {
        var uri = $"{_endpoint}/{CloudFrontMessages.ApiVersion}/distribution/{Uri.EscapeDataString(_distribution)}/invalidation";
        // One reference per deploy: a retried create is the same invalidation, never a second one.
        var body = CloudFrontMessages.InvalidationBatch(paths, $"staticoffload-{Guid.NewGuid():N}");
        var invalidation = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "text/xml") },
            paths, cancellationToken).ConfigureAwait(false);
        _log.Important($"StaticOffload: CloudFront invalidation {invalidation.Id} of distribution {_distribution} created for {Format.Count(paths.Count)} paths ({invalidation.Status}).");
        if (!wait)
        {
            return invalidation;
        }

        var clock = Stopwatch.StartNew();
        while (!invalidation.Completed)
        {
            if (clock.Elapsed > MaxWait)
            {
                _log.Important($"StaticOffload: CloudFront invalidation {invalidation.Id} is still {invalidation.Status} after {Format.Seconds(clock.Elapsed)}; not waiting longer (it completes on its own).");
                return invalidation;
            }

            await Task.Delay(_poll, cancellationToken).ConfigureAwait(false);
            var id = invalidation.Id;
            invalidation = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{uri}/{Uri.EscapeDataString(id)}"), paths, cancellationToken)
                .ConfigureAwait(false) with { Paths = paths };
            _log.Important($"StaticOffload: CloudFront invalidation {invalidation.Id}: {invalidation.Status} after {Format.Seconds(clock.Elapsed)}{(invalidation.Completed ? "." : "…")}");
        }

        return invalidation;
    }

    private async Task<Invalidation> SendAsync(Func<HttpRequestMessage> request, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var listed = string.Join(" ", paths);
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var message = request();
                response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt < Attempts)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new SyncFailedException(Messages.CloudFrontFailed(_distribution, $"{_endpoint} did not answer ({ex.Message})", listed), ex);
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return CloudFrontMessages.ParseInvalidation(_distribution, text);
                }

                var (code, message) = CloudFrontMessages.ParseError(text);
                if ((response.StatusCode >= HttpStatusCode.InternalServerError || response.StatusCode == HttpStatusCode.TooManyRequests || code == "Throttling")
                    && attempt < Attempts)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new SyncFailedException(code switch
                {
                    "NoSuchDistribution" => Messages.CloudFrontDistributionNotFound(_distribution, listed),
                    "AccessDenied" => Messages.CloudFrontAccessDenied(_distribution, message, listed),
                    "TooManyInvalidationsInProgress" => Messages.CloudFrontTooManyInvalidations(_distribution, listed),
                    _ => Messages.CloudFrontFailed(_distribution, $"{(int)response.StatusCode} {code ?? response.ReasonPhrase}: {message}", listed),
                });
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(200 * Math.Pow(4, attempt - 1));

    public void Dispose() => _http.Dispose();
}

/// <summary>StaticOffloadCloudFrontDistributionId and what goes with it.</summary>
/// <param name="Endpoint">CloudFront's endpoint; null for the real one (AWS_ENDPOINT_URL_CLOUDFRONT sets another, as for the AWS SDKs).</param>
/// <param name="PollInterval">How often a wait asks for the invalidation's status.</param>
public sealed record CloudFrontSettings(string DistributionId, bool Wait = false, string? Endpoint = null, TimeSpan PollInterval = default)
{
    public TimeSpan PollInterval { get; init; } = PollInterval > TimeSpan.Zero ? PollInterval : TimeSpan.FromSeconds(10);
}
