using System.Diagnostics;
using System.Net;
using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

public class SilenceTimeoutHandlerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>Answers after the given delay, then sends its body in slices with pauses between them.</summary>
    private sealed class Server(TimeSpan answerAfter, int slices, TimeSpan pause) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                await content.CopyToAsync(new ThrottledSink(pause), cancellationToken);
            }

            await Task.Delay(answerAfter, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(slices, pause)) };
        }
    }

    private sealed class TrickleStream(int slices, TimeSpan pause) : Stream
    {
        private int _left = slices;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left-- <= 0)
            {
                return 0;
            }

            await Task.Delay(pause, cancellationToken);
            buffer.Span[0] = 1;
            return 1;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Takes a request body slowly: a pause after every write, like a slow link.</summary>
    private sealed class ThrottledSink(TimeSpan pause) : Stream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(pause, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Thread.Sleep(pause);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A request body written in many small pieces.</summary>
    private sealed class PiecewiseContent(int pieces) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < pieces; i++)
            {
                await stream.WriteAsync(new byte[] { 1 });
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = pieces;
            return true;
        }
    }

    private static HttpClient Client(HttpMessageHandler server) => new(new SilenceTimeoutHandler(server, new EndpointSilence(Limit)));

    [Fact]
    public async Task A_server_that_never_answers_fails_with_EndpointTimeoutException_after_the_limit()
    {
        using var client = Client(new Server(Timeout.InfiniteTimeSpan, 0, TimeSpan.Zero));
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<EndpointTimeoutException>(() => client.GetAsync("http://127.0.0.1:9/b/k"));

        Assert.InRange(clock.Elapsed, Limit - TimeSpan.FromMilliseconds(100), Limit * 5);
        Assert.Equal("http://127.0.0.1:9", failure.Endpoint);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_fails_with_EndpointTimeoutException()
    {
        using var client = Client(new Server(TimeSpan.Zero, 1, Timeout.InfiniteTimeSpan));
        using var response = await client.GetAsync("http://127.0.0.1:9/b/k", HttpCompletionOption.ResponseHeadersRead);

        await Assert.ThrowsAsync<EndpointTimeoutException>(() => response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_slow_response_that_keeps_moving_is_never_cut_off()
    {
        // 12 bytes an eighth of the limit apart: 1.5 times the limit in total, with room for a loaded machine.
        using var client = Client(new Server(TimeSpan.Zero, 12, Limit / 8));

        var body = await client.GetByteArrayAsync("http://127.0.0.1:9/b/k");

        Assert.Equal(12, body.Length);
    }

    [Fact]
    public async Task A_slow_upload_that_keeps_moving_is_never_cut_off()
    {
        using var client = Client(new Server(TimeSpan.Zero, 0, Limit / 8));

        using var response = await client.PutAsync("http://127.0.0.1:9/b/k", new PiecewiseContent(12));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_request_the_caller_cancels_is_cancelled_not_timed_out()
    {
        using var client = Client(new Server(Timeout.InfiniteTimeSpan, 0, TimeSpan.Zero));
        using var cancel = new CancellationTokenSource(Limit / 4);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("http://127.0.0.1:9/b/k", cancel.Token));
    }
}
