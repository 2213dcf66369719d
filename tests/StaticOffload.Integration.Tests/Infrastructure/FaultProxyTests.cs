using System.Diagnostics;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>The fault proxy itself, in front of the real local S3 server, driven by the real SDK.</summary>
[Collection(EngineCollection.Name)]
public sealed class FaultProxyTests(S3ServerFixture server)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Without_faults_put_get_head_list_and_delete_pass_through_intact_on_kept_alive_connections()
    {
        var bucket = await server.CreateBucketAsync(nameof(Without_faults_put_get_head_list_and_delete_pass_through_intact_on_kept_alive_connections));
        await using var proxy = new FaultProxy(server.Endpoint);
        using var client = ClientThrough(proxy);
        var bodies = new Dictionary<string, byte[]>
        {
            ["big.bin"] = RandomBytes(3 * MiB, seed: 1),
            ["empty.txt"] = [],
            ["dir/small.txt"] = "small body"u8.ToArray(),
        };

        foreach (var (key, body) in bodies)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
        }

        foreach (var (key, body) in bodies)
        {
            Assert.Equal(body, await GetBodyAsync(client, bucket, key));
            Assert.Equal(body, (await server.GetAsync(bucket, key)).Body);
            var head = await client.GetObjectMetadataAsync(bucket, key);
            Assert.Equal(body.Length, head.ContentLength);
        }

        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(bodies.Keys.Order(StringComparer.Ordinal), listing.S3Objects.Select(o => o.Key));

        var deleted = await client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = bodies.Keys.Select(k => new KeyVersion { Key = k }).ToList(),
        });
        Assert.Equal(bodies.Count, deleted.DeletedObjects.Count);
        Assert.Empty(await server.ListAsync(bucket));

        Assert.Equal(0, proxy.FaultsInjected);
        Assert.True(proxy.RequestsSeen >= 3 + 3 * 2 + 2, $"{proxy.RequestsSeen} requests");
        Assert.True(proxy.ConnectionsAccepted < proxy.RequestsSeen, $"{proxy.ConnectionsAccepted} connections for {proxy.RequestsSeen} requests");
    }

    [Fact]
    public async Task SlowDown_is_answered_without_forwarding_and_the_sdk_retries_past_max_faults()
    {
        var bucket = await server.CreateBucketAsync(nameof(SlowDown_is_answered_without_forwarding_and_the_sdk_retries_past_max_faults));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { SlowDown503 = 1.0, MaxFaults = 2 });
        using var client = ClientThrough(proxy);
        var body = RandomBytes(100_000, seed: 2);

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.bin", InputStream = new MemoryStream(body) });

        Assert.Equal(2, proxy.FaultsInjected);
        Assert.Equal(2, proxy.FaultsOf(FaultKind.SlowDown503));
        Assert.Equal(3, proxy.RequestsSeen);
        Assert.Single(server.RequestsTo(bucket).Uploads);
        Assert.Equal(body, (await server.GetAsync(bucket, "k.bin")).Body);
    }

    [Fact]
    public async Task SlowDown_reaches_the_caller_as_an_s3_error_when_retries_are_off()
    {
        var bucket = await server.CreateBucketAsync(nameof(SlowDown_reaches_the_caller_as_an_s3_error_when_retries_are_off));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { SlowDown503 = 1.0, Eligible = (method, _) => method == "PUT" });
        using var client = ClientThrough(proxy, maxErrorRetry: 0);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.txt", ContentBody = "x" }));

        Assert.Equal(503, (int)error.StatusCode);
        Assert.Equal("SlowDown", error.ErrorCode);
        Assert.Empty(server.RequestsTo(bucket).Uploads);
        // Not eligible, so forwarded: the connection the fault was answered on is still good.
        await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(1, proxy.FaultsInjected);
    }

    [Theory]
    [InlineData(FaultKind.SlowDown503)]
    [InlineData(FaultKind.InternalError500)]
    [InlineData(FaultKind.ResetMidRequest)]
    [InlineData(FaultKind.ResetMidResponse)]
    [InlineData(FaultKind.Stall)]
    [InlineData(FaultKind.TruncatedResponse)]
    public async Task Every_fault_on_an_upload_is_survived_by_the_sdk_retries(FaultKind kind)
    {
        var bucket = await server.CreateBucketAsync($"survive {kind}");
        await using var proxy = new FaultProxy(server.Endpoint, Only(kind, new FaultProfile { MaxFaults = 1, StallDuration = TimeSpan.FromMilliseconds(300) }));
        using var client = ClientThrough(proxy);
        var body = RandomBytes(MiB, seed: 3);

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.bin", InputStream = new MemoryStream(body) });

        Assert.Equal(1, proxy.FaultsOf(kind));
        Assert.Equal(1, proxy.FaultsInjected);
        Assert.Equal(body, (await server.GetAsync(bucket, "k.bin")).Body);
    }

    [Fact]
    public async Task Reset_mid_response_makes_a_get_fail_when_retries_are_off()
    {
        var bucket = await server.CreateBucketAsync(nameof(Reset_mid_response_makes_a_get_fail_when_retries_are_off));
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.bin", InputStream = new MemoryStream(RandomBytes(MiB, seed: 4)) });
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { ResetMidResponse = 1.0 });
        using var client = ClientThrough(proxy, maxErrorRetry: 0);

        await Assert.ThrowsAnyAsync<Exception>(() => GetBodyAsync(client, bucket, "k.bin"));

        Assert.Equal(1, proxy.FaultsOf(FaultKind.ResetMidResponse));
    }

    [Fact]
    public async Task Truncated_get_response_is_detected_by_the_sdk_when_retries_are_off()
    {
        var bucket = await server.CreateBucketAsync(nameof(Truncated_get_response_is_detected_by_the_sdk_when_retries_are_off));
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.bin", InputStream = new MemoryStream(RandomBytes(MiB, seed: 5)) });
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { TruncatedResponse = 1.0 });
        using var client = ClientThrough(proxy, maxErrorRetry: 0);

        await Assert.ThrowsAnyAsync<Exception>(() => GetBodyAsync(client, bucket, "k.bin"));

        Assert.Equal(1, proxy.FaultsOf(FaultKind.TruncatedResponse));
        proxy.Enabled = false;
        Assert.Equal(MiB, (await GetBodyAsync(client, bucket, "k.bin")).Length);
    }

    [Fact]
    public async Task HoldUntil_keeps_every_request_from_the_server_until_the_task_completes()
    {
        var bucket = await server.CreateBucketAsync(nameof(HoldUntil_keeps_every_request_from_the_server_until_the_task_completes));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { HoldUntil = release.Task });
        using var client = ClientThrough(proxy, maxErrorRetry: 0);

        var put = client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "held.txt", ContentBody = "held" });
        while (proxy.RequestsSeen == 0)
        {
            await Task.Delay(20);
        }

        await Task.Delay(300);
        Assert.False(put.IsCompleted);
        Assert.Empty(await server.ListAsync(bucket));
        release.SetResult();
        await put;

        Assert.Equal("held"u8.ToArray(), (await server.GetAsync(bucket, "held.txt")).Body);
    }

    [Fact]
    public async Task Stall_holds_the_request_for_the_stall_duration()
    {
        var bucket = await server.CreateBucketAsync(nameof(Stall_holds_the_request_for_the_stall_duration));
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.txt", ContentBody = "stalled" });
        var stall = TimeSpan.FromSeconds(1.5);
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Stall = 1.0, StallDuration = stall, MaxFaults = 1 });
        using var client = ClientThrough(proxy, maxErrorRetry: 0);
        proxy.Enabled = false;
        await GetBodyAsync(client, bucket, "k.txt");
        proxy.Enabled = true;

        var clock = Stopwatch.StartNew();
        Assert.Equal("stalled"u8.ToArray(), await GetBodyAsync(client, bucket, "k.txt"));
        var elapsed = clock.Elapsed;

        Assert.InRange(elapsed, stall - TimeSpan.FromMilliseconds(100), stall + TimeSpan.FromSeconds(5));
        Assert.Equal(1, proxy.FaultsOf(FaultKind.Stall));
    }

    [Fact]
    public async Task Chunked_bodies_with_trailers_are_relayed_byte_for_byte_and_a_truncated_one_ends_short()
    {
        // fauxqs never answers chunked, so a scripted upstream does.
        const string chunkedResponse = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-amz-trailer: t\r\n\r\n";
        const string emptyResponse = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
        const string chunkedPut = "PUT /b/k HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\ntrailer: v\r\n\r\n";
        const string head = "HEAD /b/k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        await using var upstream = new ScriptedUpstream(chunkedResponse, emptyResponse, chunkedResponse);
        await using var proxy = new FaultProxy(upstream.Endpoint, new FaultProfile { TruncatedResponse = 1, Eligible = (_, target) => target == "/b/truncate" });
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", new Uri(proxy.Endpoint).Port);
        var stream = client.GetStream();

        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(chunkedPut));
        Assert.Equal(chunkedResponse, await ReadAsciiAsync(stream, chunkedResponse.Length));
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        Assert.Equal(emptyResponse, await ReadAsciiAsync(stream, emptyResponse.Length));
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(chunkedPut.Replace("/b/k", "/b/truncate")));
        var truncated = await ReadAsciiAsync(stream, chunkedResponse.Length);

        Assert.Equal(new[] { chunkedPut, head, chunkedPut.Replace("/b/k", "/b/truncate") }, upstream.Requests);
        Assert.StartsWith("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", truncated);
        Assert.True(truncated.Length < chunkedResponse.Length && chunkedResponse.StartsWith(truncated, StringComparison.Ordinal), truncated);
        Assert.Equal(1, proxy.ConnectionsAccepted);
        Assert.Equal(3, proxy.RequestsSeen);
    }

    [Fact]
    public async Task Dispose_closes_open_connections_and_returns_promptly()
    {
        var proxy = new FaultProxy(server.Endpoint);
        var endpoint = new Uri(proxy.Endpoint);
        using var idle = new TcpClient();
        await idle.ConnectAsync("127.0.0.1", endpoint.Port);
        await idle.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        await WaitUntilAsync(() => proxy.ConnectionsAccepted == 1);

        var clock = Stopwatch.StartNew();
        await proxy.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {clock.Elapsed}");
        var buffer = new byte[16];
        try
        {
            Assert.Equal(0, await idle.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }
        catch (IOException)
        {
            // A reset is as closed as a FIN.
        }

        using var late = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => late.ConnectAsync("127.0.0.1", endpoint.Port));
    }

    private static FaultProfile Only(FaultKind kind, FaultProfile profile) => kind switch
    {
        FaultKind.SlowDown503 => profile with { SlowDown503 = 1 },
        FaultKind.InternalError500 => profile with { InternalError500 = 1 },
        FaultKind.ResetMidRequest => profile with { ResetMidRequest = 1 },
        FaultKind.ResetMidResponse => profile with { ResetMidResponse = 1 },
        FaultKind.Stall => profile with { Stall = 1 },
        FaultKind.TruncatedResponse => profile with { TruncatedResponse = 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static AmazonS3Client ClientThrough(FaultProxy proxy, int? maxErrorRetry = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = proxy.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        };
        if (maxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return new AmazonS3Client(new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey), config);
    }

    private static async Task<byte[]> GetBodyAsync(IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return memory.ToArray();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Up to <paramref name="length"/> bytes, fewer if the connection ends first.</summary>
    private static async Task<string> ReadAsciiAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        var total = 0;
        while (total < length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total)).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return System.Text.Encoding.ASCII.GetString(buffer, 0, total);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "timed out waiting");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// A one-connection-at-a-time upstream on 127.0.0.1 that records each request as received (a head, plus a chunked
    /// body when announced) and answers with the next scripted response.
    /// </summary>
    private sealed class ScriptedUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly Queue<string> _responses;
        private readonly CancellationTokenSource _stopping = new();
        private readonly Task _loop;

        public ScriptedUpstream(params string[] responses)
        {
            _responses = new Queue<string>(responses);
            _listener.Start();
            Endpoint = $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}";
            _loop = ServeAsync(_stopping.Token);
        }

        public string Endpoint { get; }

        public List<string> Requests { get; } = [];

        public async ValueTask DisposeAsync()
        {
            _stopping.Cancel();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }

            _stopping.Dispose();
        }

        private async Task ServeAsync(CancellationToken cancellationToken)
        {
            while (_responses.Count > 0)
            {
                using var connection = await _listener.AcceptTcpClientAsync(cancellationToken);
                var stream = connection.GetStream();
                var received = new List<byte>();
                var buffer = new byte[4096];
                while (_responses.Count > 0)
                {
                    var text = System.Text.Encoding.ASCII.GetString(received.ToArray());
                    var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    var complete = headEnd >= 0 && (!text[..headEnd].Contains("Transfer-Encoding: chunked", StringComparison.Ordinal)
                        || text.EndsWith("\r\n\r\n", StringComparison.Ordinal) && text.LastIndexOf("\r\n0\r\n", StringComparison.Ordinal) > headEnd);
                    if (complete)
                    {
                        Requests.Add(text);
                        received.Clear();
                        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(_responses.Dequeue()), cancellationToken);
                        continue;
                    }

                    var read = await stream.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    received.AddRange(buffer.AsSpan(0, read));
                }
            }
        }
    }
}
