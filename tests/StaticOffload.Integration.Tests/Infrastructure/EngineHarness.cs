using StaticOffload.Diagnostics;
using StaticOffload.Rules;
using StaticOffload.Storage.S3;
using StaticOffload.Sync;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Runs the engine on a folder against the local server, with the real S3 client: what the task does, minus MSBuild.
/// </summary>
public sealed class EngineHarness : IDisposable
{
    private readonly LocalS3Server _server;
    private string? _snapshotPath;

    public EngineHarness(LocalS3Server server, string bucket, string prefix = "")
    {
        _server = server;
        Bucket = bucket;
        Prefix = prefix;
        Directory.CreateDirectory(Root);
    }

    public string Bucket { get; }

    public string Prefix { get; }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"staticoffload-engine-{Guid.NewGuid():N}");

    /// <summary>In <c>Root + ".obj"</c> unless a test moves it (e.g. onto a read-only or full mount).</summary>
    public string SnapshotPath
    {
        get => _snapshotPath ?? Path.Combine(Root + ".obj", "snapshot.json");
        set => _snapshotPath = value;
    }

    /// <summary>Where the JSON report goes; none unless set.</summary>
    public string? ReportPath { get; set; }

    public Func<string, ObjectHeaders> Headers { get; set; } = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "public, max-age=60");

    public Func<string, bool> IsEntryFile { get; set; } = relative => relative.EndsWith(".html", StringComparison.Ordinal);

    public bool ChunkedUploads { get; set; } = true;

    public int MaxDeletes { get; set; } = 10_000;

    public bool AllowShrink { get; set; }

    public int DeleteAfterDeploys { get; set; }

    public TimeSpan DeleteAfterAge { get; set; }

    public bool ServerSideCopy { get; set; } = true;

    public bool Verify { get; set; }

    public bool AllowRootDelete { get; set; }

    /// <summary>The sync state object's key; null for the default below the prefix.</summary>
    public string? StateKey { get; set; }

    /// <summary>The bucket of the sync state object; null for the site's.</summary>
    public string? StateBucket { get; set; }

    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long this harness's deploy lease lives unless renewed.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(Defaults.LeaseSeconds);

    public bool RequireCoordination { get; set; }

    public int HistoryDepth { get; set; } = Defaults.HistoryDepth;

    /// <summary>Who this harness deploys as (the lease and the history name it).</summary>
    public StaticOffload.Coordination.DeployIdentity Identity { get; set; } = new("test-agent", Ci: "Test", RunId: "1");

    /// <summary>Another endpoint (a fault-injecting proxy) instead of the server's own.</summary>
    public string? EndpointOverride { get; set; }

    public int Concurrency { get; set; } = 16;

    /// <summary>StaticOffloadTimeout: the longest the endpoint may stay silent.</summary>
    public TimeSpan Timeout { get; set; } = S3Destination.DefaultTimeout;

    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(3);

    public List<SyncFile> Redirects { get; } = [];

    /// <summary>StaticOffloadCloudFrontDistributionId and its endpoint; null for no invalidation.</summary>
    public StaticOffload.Cdn.CloudFrontSettings? CloudFront { get; set; }

    /// <summary>The clock the engine reads (grace periods); the real one unless a test moves it.</summary>
    public MovableClock Clock { get; } = new();

    public List<string> Messages { get; } = [];

    public string Write(string relative, string content) => Write(relative, System.Text.Encoding.UTF8.GetBytes(content));

    public string Write(string relative, byte[] content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public SyncRequest Request(bool dryRun = false) => new()
    {
        Files = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Select(relative => new SyncFile(Path.Combine(Root, relative), relative, Headers(relative), IsEntryFile(relative)))
            .Concat(Redirects)
            .ToArray(),
        Destination = new S3Destination
        {
            Bucket = Bucket,
            Prefix = Prefix,
            ServiceUrl = EndpointOverride ?? _server.Endpoint,
            ForcePathStyle = true,
            ChunkedUploads = ChunkedUploads,
            ServerSideCopy = ServerSideCopy,
            StateBucket = StateBucket,
            Timeout = Timeout,
        },
        StateKey = StateKey,
        SnapshotPath = SnapshotPath,
        ReportPath = ReportPath,
        MaxDeletes = MaxDeletes,
        AllowShrink = AllowShrink,
        DeleteAfterDeploys = DeleteAfterDeploys,
        DeleteAfterAge = DeleteAfterAge,
        Verify = Verify,
        AllowRootDelete = AllowRootDelete,
        LockTimeout = LockTimeout,
        LeaseDuration = LeaseDuration,
        RequireCoordination = RequireCoordination,
        HistoryDepth = HistoryDepth,
        Identity = Identity,
        Concurrency = Concurrency,
        ProgressInterval = ProgressInterval,
        DryRun = dryRun,
        CloudFront = CloudFront,
    };

    public async Task<SyncResult> SyncAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var request = Request(dryRun);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.SecretKey);
        using var client = S3ClientFactory.Create(request.Destination);
        var engine = new SyncEngine(new S3ObjectStore(client, request.Destination), new ListLog(Messages), Clock);
        return await engine.RunAsync(request, cancellationToken);
    }

    /// <summary>`-t:StaticOffloadRollback` without MSBuild: to <paramref name="to"/>, or the deploy before the live one.</summary>
    public async Task<SyncResult> RollbackAsync(string? to = null, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var request = Request(dryRun);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.SecretKey);
        using var client = S3ClientFactory.Create(request.Destination);
        var engine = new StaticOffload.Rollback.RollbackEngine(new S3ObjectStore(client, request.Destination), new ListLog(Messages), Clock);
        return await engine.RunAsync(request, to, cancellationToken);
    }

    /// <summary>The deploy history as the bucket holds it (null when there is none).</summary>
    public async Task<StaticOffload.History.HistoryDocument?> HistoryAsync()
    {
        var request = Request();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.SecretKey);
        using var client = S3ClientFactory.Create(request.Destination);
        var (history, _, _) = await new StaticOffload.History.HistoryRecorder(new S3ObjectStore(client, request.Destination), request, new ListLog(Messages))
            .ReadAsync(CancellationToken.None);
        return history;
    }

    public async Task<SyncResult> SyncSucceededAsync()
    {
        var result = await SyncAsync();
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result;
    }

    public void Dispose()
    {
        foreach (var dir in new[] { Root, Root + ".obj" })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    public sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    private sealed class ListLog(List<string> messages) : ISyncLog
    {
        public void Important(string message) { lock (messages) { messages.Add(message); } }

        public void Change(string message) { lock (messages) { messages.Add(message); } }

        public void Detail(string message) { lock (messages) { messages.Add(message); } }

        public void Report(Diagnostic diagnostic) { lock (messages) { messages.Add(diagnostic.ToString()); } }
    }
}
