using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// moto's S3 server (Python package moto 5.2.1 with Flask, `moto_server`) on 127.0.0.1: the second, independent S3
/// implementation. It keeps what fauxqs drops (storage class, ACL grants, website redirects, versioning) and answers
/// conditional requests (If-Match / If-None-Match on PutObject) as S3 does, but ignores
/// x-amz-copy-source-if-match on CopyObject. It checks no credentials unless asked to. It writes no request log:
/// tests against it assert on the bucket through the S3 API.
/// </summary>
public class MotoServerFixture(IMessageSink? progress) : LocalS3Server("moto_server", AccessKey, SecretKey, progress)
{
    /// <summary>Environment variables for the server process (e.g. to turn on its credential checks).</summary>
    protected virtual IReadOnlyDictionary<string, string> ServerEnvironment { get; } = new Dictionary<string, string>();

    public const string AccessKey = "moto-access-key";
    public const string SecretKey = "moto-secret-key";

    /// <summary>Where moto_server is looked for: PATH, then pyenv's shims (where this machine kind installs it).</summary>
    public static string? Locate()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".pyenv", "shims"))
            .Select(dir => Path.Combine(dir, "moto_server"));
        return candidates.FirstOrDefault(File.Exists);
    }

    protected override bool ExitsWhenStdinCloses => false;

    protected override async Task<string> StartAsync()
    {
        var executable = Locate() ?? throw new InvalidOperationException(
            "moto_server was not found on PATH. The tests that need S3 semantics the default test server lacks (storage class, ACLs, redirects, conditional requests) run against it. Install it with `pip install 'moto[server]==5.2.1'` (Python 3 with Flask), then run the tests again.");
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in ServerEnvironment)
        {
            start.Environment[name] = value;
        }

        Process = System.Diagnostics.Process.Start(start)!;
        Process.OutputDataReceived += (_, _) => { };
        Process.ErrorDataReceived += (_, _) => { };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        var endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited at start with code {Process.ExitCode}.");
            }

            try
            {
                // moto's own health page: answers once Flask serves requests.
                using var response = await http.GetAsync($"{endpoint}/moto-api/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return endpoint;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"moto_server did not answer on {endpoint} within 60 s.");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// moto with its IAM credential checks on: after the first <see cref="UncheckedRequests"/> requests (the test's own
/// set-up, e.g. CreateBucket and a PutObject), every request must be signed with an access key moto's IAM knows, so
/// any other key gets 403 InvalidAccessKeyId as from S3. Its state is read back through /moto-api/data.json, which
/// needs no credentials.
/// </summary>
public sealed class MotoAuthServerFixture() : MotoServerFixture(progress: null)
{
    public const int UncheckedRequests = 2;

    protected override IReadOnlyDictionary<string, string> ServerEnvironment { get; } = new Dictionary<string, string>
    {
        ["INITIAL_NO_AUTH_ACTION_COUNT"] = UncheckedRequests.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The keys moto holds in <paramref name="bucket"/>, read without credentials.</summary>
    public async Task<List<string>> KeysAsync(string bucket)
    {
        using var http = new HttpClient();
        using var data = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"{Endpoint}/moto-api/data.json"));
        return data.RootElement.GetProperty("s3").GetProperty("FakeKey").EnumerateArray()
            .Where(k => k.GetProperty("bucket_name").GetString() == bucket)
            // "arn:aws:s3:::bucket/key/versionId"
            .Select(k => k.GetProperty("arn").GetString()!)
            .Select(arn => arn[$"arn:aws:s3:::{bucket}/".Length..arn.LastIndexOf('/')])
            .ToList();
    }
}
