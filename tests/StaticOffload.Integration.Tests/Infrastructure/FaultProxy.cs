using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>What <see cref="FaultProxy"/> can do to one request instead of forwarding it faithfully.</summary>
public enum FaultKind
{
    /// <summary>503 SlowDown, without forwarding.</summary>
    SlowDown503,

    /// <summary>500 InternalError, without forwarding.</summary>
    InternalError500,

    /// <summary>Half the request body read, then a TCP reset, without forwarding.</summary>
    ResetMidRequest,

    /// <summary>Forwarded; the client gets half the response, then a TCP reset.</summary>
    ResetMidResponse,

    /// <summary>Forwarded after <see cref="FaultProfile.StallDuration"/>.</summary>
    Stall,

    /// <summary>Forwarded; the client gets the full headers but half the body, then a clean close (FIN).</summary>
    TruncatedResponse,
}

/// <summary>A request as <see cref="FaultProfile.Answer"/> sees it: method, target as sent, and the request headers.</summary>
public sealed record ProxiedRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>The value of the first header of that name (any case), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// An S3 error response that <see cref="FaultProxy"/> sends instead of forwarding: the status, S3's error code and
/// message in the documented XML body, further elements of that body (e.g. <c>Region</c>, <c>Endpoint</c>) and headers
/// (e.g. <c>x-amz-bucket-region</c>): the refusals real AWS gives that no local server produces.
/// </summary>
public sealed record CannedAnswer(int Status, string Reason, string Code, string Message)
{
    /// <summary>More elements of the &lt;Error&gt; body, in order, after Code and Message.</summary>
    public IReadOnlyList<(string Name, string Value)> Elements { get; init; } = [];

    /// <summary>More response headers.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
}

/// <summary>
/// How often <see cref="FaultProxy"/> injects each fault: a probability per eligible request, drawn once from a
/// <see cref="Random"/> seeded with <see cref="Seed"/>. When the probabilities add up to more than 1, the earlier
/// kinds (in <see cref="FaultKind"/> order) win.
/// </summary>
public sealed record FaultProfile
{
    public static FaultProfile None { get; } = new();

    public double SlowDown503 { get; init; }

    public double InternalError500 { get; init; }

    public double ResetMidRequest { get; init; }

    public double ResetMidResponse { get; init; }

    public double Stall { get; init; }

    public double TruncatedResponse { get; init; }

    /// <summary>How long a <see cref="FaultKind.Stall"/> holds the request before forwarding it (at most 60 s).</summary>
    public TimeSpan StallDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Added before every request, faulted or not, whatever <see cref="FaultProxy.Enabled"/> says.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>
    /// Request bodies go upstream at most this fast (0: as fast as they come), read through a small receive buffer so
    /// the client's writes are held back at that pace: a slow but steady link.
    /// </summary>
    public long RequestBytesPerSecond { get; init; }

    /// <summary>
    /// Every request waits for this task before it is handled (after <see cref="Latency"/>), whatever
    /// <see cref="FaultProxy.Enabled"/> says: a test holds one client back until another has reached a point. Null: no wait.
    /// </summary>
    public Task? HoldUntil { get; init; }

    /// <summary>No more faults once this many were injected under this profile, so a run with retries converges.</summary>
    public int MaxFaults { get; init; } = int.MaxValue;

    /// <summary>
    /// Which requests may be faulted, given the method and the request target as sent (path and query, e.g.
    /// "/bucket/key?uploadId=…"); null means all. Called under a lock: keep it quick and pure.
    /// </summary>
    public Func<string, string, bool>? Eligible { get; init; }

    /// <summary>
    /// Checked first for every request while <see cref="FaultProxy.Enabled"/>: a non-null answer is sent instead of
    /// forwarding (counted in <see cref="FaultProxy.AnswersSent"/>, not as a fault). Called under a lock: keep it quick.
    /// </summary>
    public Func<ProxiedRequest, CannedAnswer?>? Answer { get; init; }

    public int Seed { get; init; } = 20_240_917;

    internal double Probability(FaultKind kind) => kind switch
    {
        FaultKind.SlowDown503 => SlowDown503,
        FaultKind.InternalError500 => InternalError500,
        FaultKind.ResetMidRequest => ResetMidRequest,
        FaultKind.ResetMidResponse => ResetMidResponse,
        FaultKind.Stall => Stall,
        FaultKind.TruncatedResponse => TruncatedResponse,
        _ => 0,
    };

    internal void Validate()
    {
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            if (Probability(kind) is < 0 or > 1 or double.NaN)
            {
                throw new ArgumentOutOfRangeException(kind.ToString(), Probability(kind), "A probability is between 0 and 1.");
            }
        }

        var bound = TimeSpan.FromSeconds(60);
        if (StallDuration < TimeSpan.Zero || StallDuration > bound || Latency < TimeSpan.Zero || Latency > bound)
        {
            throw new ArgumentOutOfRangeException(nameof(StallDuration), "Stall and latency are between 0 and 60 s.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxFaults);
    }
}

/// <summary>
/// An HTTP/1.1 reverse proxy on 127.0.0.1 that forwards to a local S3 server and injects faults on the wire, so tests
/// can prove the sync survives what real S3 and real networks do. Request bytes are forwarded unchanged (the SDK signs
/// the Host header; client and upstream are both 127.0.0.1), bodies stream through in 64 KiB blocks, and every
/// request gets its own upstream connection, so a fault never leaves a half-used one behind.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int BlockSize = 64 * 1024;
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly IPEndPoint _upstream;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, ProxiedConnection> _connections = new();
    private readonly Task _acceptLoop;
    private readonly Lock _gate = new();
    private readonly int[] _faults = new int[Enum.GetValues<FaultKind>().Length];
    private FaultProfile _profile = FaultProfile.None;
    private Random _random = new(0);
    private int _faultsUnderProfile;
    private int _requestsSeen;
    private int _answersSent;
    private long _connectionIds;
    private volatile bool _enabled = true;
    private int _disposed;

    /// <param name="upstream">The S3 server, "http://127.0.0.1:PORT".</param>
    /// <param name="profile">The faults to inject; none when null.</param>
    public FaultProxy(string upstream, FaultProfile? profile = null)
    {
        var uri = new Uri(upstream);
        if (uri.Scheme != Uri.UriSchemeHttp || !IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The upstream must be http://127.0.0.1:PORT, not {upstream}.", nameof(upstream));
        }

        _upstream = new IPEndPoint(address, uri.Port);
        Profile = profile ?? FaultProfile.None;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    /// <summary>Where clients connect: "http://127.0.0.1:PORT".</summary>
    public string Endpoint { get; }

    /// <summary>The faults to inject. Setting it re-seeds the random source and restarts the <see cref="FaultProfile.MaxFaults"/> count.</summary>
    public FaultProfile Profile
    {
        get { lock (_gate) { return _profile; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate)
            {
                _profile = value;
                _random = new Random(value.Seed);
                _faultsUnderProfile = 0;
            }
        }
    }

    /// <summary>When false, every request is forwarded faithfully (latency still applies).</summary>
    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>Client connections accepted since the proxy started.</summary>
    public int ConnectionsAccepted => (int)Interlocked.Read(ref _connectionIds);

    /// <summary>Request heads read from clients, faulted or not.</summary>
    public int RequestsSeen => Volatile.Read(ref _requestsSeen);

    /// <summary>Canned answers (<see cref="FaultProfile.Answer"/>) sent since the proxy started.</summary>
    public int AnswersSent => Volatile.Read(ref _answersSent);

    /// <summary>Faults of every kind injected since the proxy started.</summary>
    public int FaultsInjected
    {
        get { lock (_gate) { return _faults.Sum(); } }
    }

    /// <summary>Faults injected since the proxy started, per kind (every kind present).</summary>
    public IReadOnlyDictionary<FaultKind, int> FaultsByKind
    {
        get { lock (_gate) { return Enum.GetValues<FaultKind>().ToDictionary(k => k, k => _faults[(int)k]); } }
    }

    public int FaultsOf(FaultKind kind)
    {
        lock (_gate)
        {
            return _faults[(int)kind];
        }
    }

    /// <summary>Stops listening, resets every open connection and waits for all of the proxy's loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var open = _connections.Values.ToArray();
        foreach (var connection in open)
        {
            connection.Abort();
        }

        await Task.WhenAll(open.Select(c => c.Serving)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            var id = Interlocked.Increment(ref _connectionIds);
            var connection = new ProxiedConnection(client);
            _connections[id] = connection;
            connection.Serving = ServeAsync(connection, cancellationToken).ContinueWith(
                _ => _connections.TryRemove(id, out ProxiedConnection? _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>One client connection: request after request until either side closes, a fault ends it, or disposal.</summary>
    private async Task ServeAsync(ProxiedConnection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var client = new HttpReader(connection.Client);
        var block = new byte[BlockSize];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var raw = await client.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                if (raw is null)
                {
                    break;
                }

                var request = RequestHead.Parse(raw);
                Interlocked.Increment(ref _requestsSeen);
                var (fault, answer, profile) = Decide(request);
                if (profile.Latency > TimeSpan.Zero)
                {
                    await Task.Delay(profile.Latency, cancellationToken).ConfigureAwait(false);
                }

                if (profile.HoldUntil is { } hold)
                {
                    await hold.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                var keepAlive = answer is not null
                    ? await AnswerErrorAsync(connection, client, request, block, answer, cancellationToken).ConfigureAwait(false)
                    : fault switch
                {
                    FaultKind.SlowDown503 => await AnswerErrorAsync(connection, client, request, block, new CannedAnswer(503, "Slow Down", "SlowDown", "Please reduce your request rate."), cancellationToken).ConfigureAwait(false),
                    FaultKind.InternalError500 => await AnswerErrorAsync(connection, client, request, block, new CannedAnswer(500, "Internal Server Error", "InternalError", "We encountered an internal error. Please try again."), cancellationToken).ConfigureAwait(false),
                    FaultKind.ResetMidRequest => await ResetMidRequestAsync(connection, client, request, block, cancellationToken).ConfigureAwait(false),
                    _ => await ForwardAsync(connection, client, request, fault, profile, block, cancellationToken).ConfigureAwait(false),
                };
                if (!keepAlive)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // The client went away, sent something this proxy does not speak, or the proxy is stopping.
        }
        finally
        {
            connection.Abort();
        }
    }

    private (FaultKind? Fault, CannedAnswer? Answer, FaultProfile Profile) Decide(RequestHead request)
    {
        lock (_gate)
        {
            var profile = _profile;
            if (_enabled && profile.Answer is { } answer
                && answer(new ProxiedRequest(request.Method, request.Target, request.Headers)) is { } canned)
            {
                _answersSent++;
                return (null, canned, profile);
            }

            if (!_enabled || _faultsUnderProfile >= profile.MaxFaults || (profile.Eligible is { } eligible && !eligible(request.Method, request.Target)))
            {
                return (null, null, profile);
            }

            var draw = _random.NextDouble();
            var cumulative = 0.0;
            foreach (var kind in Enum.GetValues<FaultKind>())
            {
                var probability = profile.Probability(kind);
                cumulative += probability;
                if (probability > 0 && draw < cumulative)
                {
                    _faults[(int)kind]++;
                    _faultsUnderProfile++;
                    return (kind, null, profile);
                }
            }

            return (null, null, profile);
        }
    }

    private static async Task<bool> AnswerErrorAsync(ProxiedConnection connection, HttpReader client, RequestHead request, byte[] block,
        CannedAnswer answer, CancellationToken cancellationToken)
    {
        if (request.ExpectsContinue)
        {
            await SendAsync(connection.Client, Continue, cancellationToken).ConfigureAwait(false);
        }

        await RelayBodyAsync(client, request.Framing, block, static _ => ValueTask.CompletedTask, cancellationToken).ConfigureAwait(false);
        var elements = string.Concat(answer.Elements.Select(e => $"<{e.Name}>{System.Security.SecurityElement.Escape(e.Value)}</{e.Name}>"));
        var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
            + $"<Code>{answer.Code}</Code><Message>{System.Security.SecurityElement.Escape(answer.Message)}</Message>{elements}"
            + $"<RequestId>FAULTPROXY</RequestId></Error>");
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {answer.Status} {answer.Reason}\r\n" +
            $"Date: {DateTime.UtcNow:R}\r\n" +
            "Content-Type: application/xml\r\n" +
            string.Concat(answer.Headers.Select(h => $"{h.Name}: {h.Value}\r\n")) +
            $"Content-Length: {body.Length}\r\n" +
            $"x-amz-request-id: FAULTPROXY{Guid.NewGuid():N}\r\n" +
            $"Connection: {(request.KeepAlive ? "keep-alive" : "close")}\r\n\r\n");
        await SendAsync(connection.Client, head, cancellationToken).ConfigureAwait(false);
        if (request.Method != "HEAD")
        {
            await SendAsync(connection.Client, body, cancellationToken).ConfigureAwait(false);
        }

        return request.KeepAlive;
    }

    private static async Task<bool> ResetMidRequestAsync(ProxiedConnection connection, HttpReader client, RequestHead request, byte[] block,
        CancellationToken cancellationToken)
    {
        if (request.ExpectsContinue)
        {
            await SendAsync(connection.Client, Continue, cancellationToken).ConfigureAwait(false);
        }

        if (request.Framing.Kind != BodyKind.None)
        {
            var budget = await CutPointAsync(client, request.Framing, cancellationToken).ConfigureAwait(false);
            await RelayPrefixAsync(client, request.Framing, block, budget, static _ => ValueTask.CompletedTask, cancellationToken).ConfigureAwait(false);
        }

        connection.Reset();
        return false;
    }

    private async Task<bool> ForwardAsync(ProxiedConnection connection, HttpReader client, RequestHead request, FaultKind? fault,
        FaultProfile profile, byte[] block, CancellationToken cancellationToken)
    {
        if (fault == FaultKind.Stall)
        {
            await Task.Delay(profile.StallDuration, cancellationToken).ConfigureAwait(false);
        }

        var upstreamSocket = await connection.ConnectUpstreamAsync(_upstream, cancellationToken).ConfigureAwait(false);
        try
        {
            // Answering the client's Expect: 100-continue here lets the body flow while the upstream's own 100 (or
            // none) is skipped below; the head still goes upstream unchanged.
            if (request.ExpectsContinue)
            {
                await SendAsync(connection.Client, Continue, cancellationToken).ConfigureAwait(false);
            }

            await SendAsync(upstreamSocket, request.Raw, cancellationToken).ConfigureAwait(false);
            if (profile.RequestBytesPerSecond > 0)
            {
                connection.Client.ReceiveBufferSize = BlockSize;
                var paced = System.Diagnostics.Stopwatch.StartNew();
                var forwarded = 0L;
                await RelayBodyAsync(client, request.Framing, block, async data =>
                {
                    await SendAsync(upstreamSocket, data, cancellationToken).ConfigureAwait(false);
                    forwarded += data.Length;
                    var due = TimeSpan.FromSeconds((double)forwarded / profile.RequestBytesPerSecond) - paced.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RelayBodyAsync(client, request.Framing, block, data => SendAsync(upstreamSocket, data, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            var upstream = new HttpReader(upstreamSocket);
            ResponseHead response;
            do
            {
                var raw = await upstream.ReadHeadAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new IOException("The upstream closed the connection before answering.");
                response = ResponseHead.Parse(raw, request.Method);
            }
            while (response.Status is >= 100 and < 200);

            if (fault is FaultKind.ResetMidResponse or FaultKind.TruncatedResponse)
            {
                await SendPartOfResponseAsync(connection, upstream, response, block, cancellationToken).ConfigureAwait(false);
                if (fault == FaultKind.ResetMidResponse)
                {
                    connection.Reset();
                }
                else
                {
                    connection.CloseGracefully();
                }

                return false;
            }

            await SendAsync(connection.Client, response.Raw, cancellationToken).ConfigureAwait(false);
            await RelayBodyAsync(upstream, response.Framing, block, data => SendAsync(connection.Client, data, cancellationToken), cancellationToken).ConfigureAwait(false);
            return request.KeepAlive && response.KeepAlive && response.Framing.Kind != BodyKind.UntilClose;
        }
        finally
        {
            connection.CloseUpstream();
        }
    }

    /// <summary>The full response head and half the body; half the head when there is no body to cut.</summary>
    private static async Task SendPartOfResponseAsync(ProxiedConnection connection, HttpReader upstream, ResponseHead response, byte[] block,
        CancellationToken cancellationToken)
    {
        if (response.Framing.Kind == BodyKind.None || response.Framing is { Kind: BodyKind.Length, Length: 0 })
        {
            await SendAsync(connection.Client, response.Raw.AsMemory(0, response.Raw.Length / 2), cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendAsync(connection.Client, response.Raw, cancellationToken).ConfigureAwait(false);
        var budget = await CutPointAsync(upstream, response.Framing, cancellationToken).ConfigureAwait(false);
        await RelayPrefixAsync(upstream, response.Framing, block, budget, data => SendAsync(connection.Client, data, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How many body bytes (as on the wire) to pass before cutting: half a known length; for a chunked or
    /// close-delimited body, whose length is unknown, half of what has arrived so far (always short of the end).
    /// </summary>
    private static async Task<long> CutPointAsync(HttpReader source, BodyFraming framing, CancellationToken cancellationToken)
    {
        if (framing.Kind == BodyKind.Length)
        {
            return framing.Length / 2;
        }

        if (source.Buffered == 0)
        {
            await source.FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return source.Buffered / 2;
    }

    /// <summary>Passes the first <paramref name="budget"/> bytes of a body to <paramref name="write"/>, then stops reading.</summary>
    private static async Task RelayPrefixAsync(HttpReader source, BodyFraming framing, byte[] block, long budget,
        Func<ReadOnlyMemory<byte>, ValueTask> write, CancellationToken cancellationToken)
    {
        var remaining = budget;
        try
        {
            await RelayBodyAsync(source, framing, block, async data =>
            {
                var take = (int)Math.Min(remaining, data.Length);
                if (take > 0)
                {
                    await write(data[..take]).ConfigureAwait(false);
                    remaining -= take;
                }

                if (take < data.Length)
                {
                    throw new BodyCutException();
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BodyCutException)
        {
        }
    }

    /// <summary>Copies one message body as it is on the wire (chunk framing included), block by block.</summary>
    private static async Task RelayBodyAsync(HttpReader source, BodyFraming framing, byte[] block,
        Func<ReadOnlyMemory<byte>, ValueTask> write, CancellationToken cancellationToken)
    {
        switch (framing.Kind)
        {
            case BodyKind.Length:
                await CopyAsync(source, framing.Length, block, write, cancellationToken).ConfigureAwait(false);
                break;
            case BodyKind.Chunked:
                while (true)
                {
                    var sizeLine = await source.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    await write(sizeLine).ConfigureAwait(false);
                    var size = ParseChunkSize(sizeLine);
                    if (size == 0)
                    {
                        // Trailers (aws-chunked checksums travel in the body, not here), up to the empty line.
                        while (true)
                        {
                            var trailer = await source.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                            await write(trailer).ConfigureAwait(false);
                            if (trailer.Length == 2)
                            {
                                return;
                            }
                        }
                    }

                    await CopyAsync(source, size, block, write, cancellationToken).ConfigureAwait(false);
                    var end = await source.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (end.Length != 2)
                    {
                        throw new InvalidDataException("A chunk does not end with CRLF.");
                    }

                    await write(end).ConfigureAwait(false);
                }

            case BodyKind.UntilClose:
                while (true)
                {
                    var read = await source.ReadAsync(block, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    await write(block.AsMemory(0, read)).ConfigureAwait(false);
                }
        }
    }

    private static async Task CopyAsync(HttpReader source, long length, byte[] block, Func<ReadOnlyMemory<byte>, ValueTask> write,
        CancellationToken cancellationToken)
    {
        var remaining = length;
        while (remaining > 0)
        {
            var read = await source.ReadAsync(block.AsMemory(0, (int)Math.Min(remaining, block.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException($"The body ended {remaining} bytes early.");
            }

            await write(block.AsMemory(0, read)).ConfigureAwait(false);
            remaining -= read;
        }
    }

    private static long ParseChunkSize(byte[] line)
    {
        var text = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
        var semicolon = text.IndexOf(';');
        var hex = (semicolon >= 0 ? text[..semicolon] : text).Trim();
        return long.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var size) && size >= 0
            ? size
            : throw new InvalidDataException($"Bad chunk size line: {text}");
    }

    private static async ValueTask SendAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private sealed class BodyCutException : Exception;

    /// <summary>A client connection and the upstream connection of the request in flight, if any.</summary>
    private sealed class ProxiedConnection(Socket client)
    {
        private readonly Lock _gate = new();
        private Socket? _upstream;
        private bool _aborted;

        public Socket Client { get; } = client;

        public Task Serving { get; set; } = Task.CompletedTask;

        public async Task<Socket> ConnectUpstreamAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            lock (_gate)
            {
                if (_aborted)
                {
                    socket.Dispose();
                    throw new ObjectDisposedException(nameof(FaultProxy));
                }

                _upstream = socket;
            }

            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }

        public void CloseUpstream()
        {
            lock (_gate)
            {
                _upstream?.Dispose();
                _upstream = null;
            }
        }

        /// <summary>A TCP reset: SO_LINGER with a zero timeout makes close() send RST and drop unsent data.</summary>
        public void Reset()
        {
            try
            {
                Client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            Abort();
        }

        /// <summary>A FIN after everything sent so far.</summary>
        public void CloseGracefully()
        {
            try
            {
                Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            Abort();
        }

        public void Abort()
        {
            lock (_gate)
            {
                _aborted = true;
                _upstream?.Dispose();
                _upstream = null;
            }

            Client.Dispose();
        }
    }

    private enum BodyKind
    {
        None,
        Length,
        Chunked,
        UntilClose,
    }

    private readonly record struct BodyFraming(BodyKind Kind, long Length = 0);

    private sealed record RequestHead(byte[] Raw, string Method, string Target, bool KeepAlive, bool ExpectsContinue, BodyFraming Framing,
        IReadOnlyList<(string Name, string Value)> Headers)
    {
        public static RequestHead Parse(byte[] raw)
        {
            var (startLine, headers) = HeadParser.Parse(raw);
            var parts = startLine.Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Not an HTTP/1.x request line: {startLine}");
            }

            var framing = HeadParser.IsChunked(headers) ? new BodyFraming(BodyKind.Chunked)
                : HeadParser.ContentLength(headers) is { } length ? new BodyFraming(BodyKind.Length, length)
                : new BodyFraming(BodyKind.None);
            var expectsContinue = headers.Any(h => h.Name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                && h.Value.Equals("100-continue", StringComparison.OrdinalIgnoreCase));
            return new RequestHead(raw, parts[0], parts[1], HeadParser.KeepAlive(parts[2], headers), expectsContinue, framing, headers);
        }
    }

    private sealed record ResponseHead(byte[] Raw, int Status, bool KeepAlive, BodyFraming Framing)
    {
        public static ResponseHead Parse(byte[] raw, string requestMethod)
        {
            var (statusLine, headers) = HeadParser.Parse(raw);
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
            {
                throw new InvalidDataException($"Not an HTTP/1.x status line: {statusLine}");
            }

            var framing = requestMethod == "HEAD" || status is < 200 or 204 or 304 ? new BodyFraming(BodyKind.None)
                : HeadParser.IsChunked(headers) ? new BodyFraming(BodyKind.Chunked)
                : HeadParser.ContentLength(headers) is { } length ? new BodyFraming(BodyKind.Length, length)
                : new BodyFraming(BodyKind.UntilClose);
            return new ResponseHead(raw, status, HeadParser.KeepAlive(parts[0], headers), framing);
        }
    }

    private static class HeadParser
    {
        public static (string StartLine, List<(string Name, string Value)> Headers) Parse(byte[] raw)
        {
            var lines = Encoding.Latin1.GetString(raw, 0, raw.Length - 4).Split("\r\n");
            var headers = new List<(string, string)>();
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    throw new InvalidDataException($"Bad header line: {line}");
                }

                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            return (lines[0], headers);
        }

        public static bool IsChunked(List<(string Name, string Value)> headers) => headers
            .Where(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(','))
            .LastOrDefault()?.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase) == true;

        public static long? ContentLength(List<(string Name, string Value)> headers)
        {
            var values = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).Distinct().ToArray();
            return values switch
            {
                [] => null,
                [var one] when long.TryParse(one, out var length) && length >= 0 => length,
                _ => throw new InvalidDataException($"Bad Content-Length: {string.Join(", ", values)}"),
            };
        }

        public static bool KeepAlive(string version, List<(string Name, string Value)> headers)
        {
            var tokens = headers.Where(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Split(','))
                .Select(t => t.Trim().ToLowerInvariant())
                .ToHashSet();
            return version == "HTTP/1.0" ? tokens.Contains("keep-alive") : !tokens.Contains("close");
        }
    }

    /// <summary>Reads heads and lines from a socket through one fixed 64 KiB buffer; longer heads or lines are refused.</summary>
    private sealed class HttpReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[BlockSize];
        private int _start;
        private int _end;

        public int Buffered => _end - _start;

        /// <summary>Reads more from the socket into the buffer; false at the end of the stream.</summary>
        public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length && _start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException($"A head or line is longer than {BlockSize} bytes.");
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            _end += read;
            return read > 0;
        }

        /// <summary>A whole head, CRLFCRLF included; null when the stream ends cleanly before one starts.</summary>
        public async ValueTask<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var searched = 0;
            while (true)
            {
                var index = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf("\r\n\r\n"u8);
                if (index >= 0)
                {
                    return Take(searched + index + 4);
                }

                searched = Math.Max(0, Buffered - 3);
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return Buffered == 0 ? null : throw new EndOfStreamException("The stream ended inside a head.");
                }
            }
        }

        /// <summary>One line, CRLF included.</summary>
        public async ValueTask<byte[]> ReadLineAsync(CancellationToken cancellationToken)
        {
            var searched = 0;
            while (true)
            {
                var index = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf("\r\n"u8);
                if (index >= 0)
                {
                    return Take(searched + index + 2);
                }

                searched = Math.Max(0, Buffered - 1);
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new EndOfStreamException("The stream ended inside a line.");
                }
            }
        }

        /// <summary>Buffered bytes first, then straight from the socket.</summary>
        public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (Buffered > 0)
            {
                var count = Math.Min(Buffered, destination.Length);
                _buffer.AsMemory(_start, count).CopyTo(destination);
                _start += count;
                return count;
            }

            return await socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        private byte[] Take(int count)
        {
            var taken = _buffer.AsSpan(_start, count).ToArray();
            _start += count;
            return taken;
        }
    }
}
