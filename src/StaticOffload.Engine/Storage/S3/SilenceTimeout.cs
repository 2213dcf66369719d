using System.Net;

namespace StaticOffload.Storage.S3;

/// <summary>
/// The run failed because the endpoint stayed silent (not a byte sent or received by any request) for the whole of
/// StaticOffloadTimeout. Not an <see cref="IOException"/> on purpose: the SDK retries those, and a retry of a request
/// to an endpoint that answers nothing only waits the same time again (six retries: seven times as long).
/// </summary>
public sealed class EndpointTimeoutException(string endpoint, TimeSpan limit)
    : Exception($"{endpoint} sent and received nothing for {limit.TotalSeconds:0.#} s.")
{
    public string Endpoint { get; } = endpoint;

    public TimeSpan Limit { get; } = limit;
}

/// <summary>
/// When the endpoint last made progress, across all the requests of one client: any byte of a request body taken by
/// the connection, any response headers, any byte of a response body.
/// </summary>
internal sealed class EndpointSilence(TimeSpan limit)
{
    // Zero: nothing ever moved, so a first request that gets no answer is silence since the start.
    private long _lastProgress;

    public TimeSpan Limit { get; } = limit;

    public void Progress() => Volatile.Write(ref _lastProgress, Environment.TickCount64);

    public bool SilentForLimit =>
        Environment.TickCount64 - Volatile.Read(ref _lastProgress) >= (long)Limit.TotalMilliseconds - 50;
}

/// <summary>
/// Bounds every request by the time it makes no progress, never by its total length, so a slow but steady upload of
/// a large part is never cut off while a connection that accepts and never answers is. A request silent for the limit
/// is cut; if other requests moved bytes meanwhile, it fails as a dropped connection would and the SDK retries it;
/// if nothing moved anywhere for the limit, it fails with <see cref="EndpointTimeoutException"/>, which ends the run.
/// </summary>
internal sealed class SilenceTimeoutHandler(HttpMessageHandler inner, EndpointSilence silence) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = new Attempt(silence, request.RequestUri, cancellationToken);
        if (request.Content is { } content)
        {
            request.Content = new ProgressContent(content, attempt, ownsAttempt: false);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (attempt.Expired)
        {
            attempt.Dispose();
            throw attempt.Failure(ex);
        }
        catch
        {
            attempt.Dispose();
            throw;
        }

        attempt.Progress();
        response.Content = new ProgressContent(response.Content, attempt, ownsAttempt: true);
        return response;
    }

    /// <summary>One try of one request: a timer re-armed by every sign of progress.</summary>
    internal sealed class Attempt : IDisposable
    {
        private readonly EndpointSilence _silence;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _idle;
        private readonly string _endpoint;
        private int _disposed;

        public Attempt(EndpointSilence silence, Uri? uri, CancellationToken caller)
        {
            _silence = silence;
            _caller = caller;
            _endpoint = uri is null ? "the endpoint" : uri.GetLeftPart(UriPartial.Authority);
            _idle = CancellationTokenSource.CreateLinkedTokenSource(caller);
            Token = _idle.Token;
            _idle.CancelAfter(silence.Limit);
        }

        public CancellationToken Token { get; }

        public bool Expired => _idle.IsCancellationRequested && !_caller.IsCancellationRequested;

        public void Progress()
        {
            _silence.Progress();
            if (Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    _idle.CancelAfter(_silence.Limit);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        public Exception Failure(Exception cause) => _silence.SilentForLimit
            ? new EndpointTimeoutException(_endpoint, _silence.Limit)
            : new HttpRequestException(
                $"{_endpoint} sent and received nothing on this request for {_silence.Limit.TotalSeconds:0.#} s; it was cut to be retried.",
                new IOException("No progress.", cause));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _idle.Dispose();
            }
        }
    }

    /// <summary>A request or response body whose every chunk moved counts as progress of its attempt.</summary>
    private sealed class ProgressContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Attempt _attempt;
        private readonly bool _ownsAttempt;

        public ProgressContent(HttpContent inner, Attempt attempt, bool ownsAttempt)
        {
            _inner = inner;
            _attempt = attempt;
            _ownsAttempt = ownsAttempt;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            // A request body going out, or a response body read whole: each write on the way is progress.
            var watched = new ProgressStream(stream, _attempt, ownsAttempt: false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _attempt.Token);
            try
            {
                await _inner.CopyToAsync(watched, context, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (_attempt.Expired)
            {
                throw _attempt.Failure(ex);
            }
            finally
            {
                if (_ownsAttempt)
                {
                    _attempt.Dispose();
                }
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new ProgressStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _attempt, ownsAttempt: true);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new ProgressStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _attempt, ownsAttempt: true);

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
            new ProgressStream(_inner.ReadAsStream(cancellationToken), _attempt, ownsAttempt: true);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                if (_ownsAttempt)
                {
                    _attempt.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Passes reads and writes through, re-arming the attempt's timer after each. A read the SDK does synchronously (its
    /// XML parser) takes no token, so the timer closes the stream instead, which ends a pending read.
    /// </summary>
    private sealed class ProgressStream(Stream inner, Attempt attempt, bool ownsAttempt) : Stream
    {
        private readonly CancellationTokenRegistration _closeOnExpiry =
            ownsAttempt ? attempt.Token.Register(static s => ((Stream)s!).Dispose(), inner) : default;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Moved(inner.Read(buffer));
            }
            catch (Exception ex) when (attempt.Expired)
            {
                throw attempt.Failure(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var stop = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token) : null;
            try
            {
                return Moved(await inner.ReadAsync(buffer, stop?.Token ?? attempt.Token).ConfigureAwait(false));
            }
            catch (Exception ex) when (attempt.Expired)
            {
                throw attempt.Failure(ex);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            attempt.Progress();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            attempt.Progress();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsAttempt)
            {
                _closeOnExpiry.Dispose();
                attempt.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Moved(int read)
        {
            if (read > 0)
            {
                attempt.Progress();
            }
            else if (ownsAttempt)
            {
                // The whole body is in: nothing left to time.
                attempt.Dispose();
            }

            return read;
        }
    }
}
