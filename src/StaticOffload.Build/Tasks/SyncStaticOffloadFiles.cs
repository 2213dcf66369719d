using System.Collections.Concurrent;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Settings;
using StaticOffload.Storage;
using StaticOffload.Storage.S3;
using StaticOffload.Sync;

namespace StaticOffload.Build.Tasks;

/// <summary>
/// Mirrors @(StaticOffloadFile) to the bucket; with <see cref="Operation"/> History or Rollback, prints the deploy
/// history or rolls the bucket back to a recorded deploy (same destination settings, no files). Only translates: MSBuild inputs to <see cref="SyncSettings"/> (the
/// engine's <see cref="SyncRequestBuilder"/> parses them), the engine's result to outputs and log messages.
/// </summary>
public sealed class SyncStaticOffloadFiles : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>Sync (default), History or Rollback: what the StaticOffloadSync, StaticOffloadHistory and StaticOffloadRollback targets ask.</summary>
    public string? Operation { get; set; }

    /// <summary>StaticOffloadRollbackTo: the deploy id to roll back to; empty for the one before the live deploy.</summary>
    public string? RollbackTo { get; set; }

    /// <summary>Files with %(RelativePath) (the key below the prefix) and header metadata.</summary>
    public ITaskItem[] Files { get; set; } = [];

    public string? Bucket { get; set; }

    public string? Prefix { get; set; }

    public string? Region { get; set; }

    public string? Profile { get; set; }

    public string? ServiceUrl { get; set; }

    /// <summary>AWS (default), R2, MinIO, B2 or Compatible: defaults for the settings below.</summary>
    public string? Provider { get; set; }

    /// <summary>Empty: the provider's default.</summary>
    public string? ForcePathStyle { get; set; }

    /// <summary>Empty: the provider's default.</summary>
    public string? ChunkedUploads { get; set; }

    /// <summary>Empty: the provider's default.</summary>
    public string? ServerSideCopy { get; set; }

    /// <summary>@(StaticOffloadRedirect): Include is the key below the prefix, %(Location) the target.</summary>
    public ITaskItem[] Redirects { get; set; } = [];

    public string? DeleteAfterDeploys { get; set; }

    public string? DeleteAfterHours { get; set; }

    public bool AllowShrink { get; set; }

    public bool RemoteState { get; set; } = Defaults.RemoteState;

    /// <summary>Key of the sync state object; empty for &lt;prefix&gt;.staticoffload/state.json.gz.</summary>
    public string? StateKey { get; set; }

    /// <summary>Bucket of the sync state object; empty for the site's bucket.</summary>
    public string? StateBucket { get; set; }

    public string? InvalidationMaxPaths { get; set; }

    public bool Verify { get; set; }

    /// <summary>StaticOffloadForce: re-send every file as a repair.</summary>
    public bool Force { get; set; }

    /// <summary>StaticOffloadCloudFrontDistributionId: invalidate the changed paths there.</summary>
    public string? CloudFrontDistributionId { get; set; }

    public bool CloudFrontWait { get; set; }

    public bool AllowRootDelete { get; set; }

    /// <summary>Where the JSON report of the run goes; empty for none.</summary>
    public string? ReportFile { get; set; }

    public bool Delete { get; set; } = Defaults.Delete;

    public string? MaxDeletes { get; set; }

    public bool DryRun { get; set; }

    public string? Concurrency { get; set; }

    /// <summary>StaticOffloadTimeout: seconds the endpoint may stay silent.</summary>
    public string? Timeout { get; set; }

    /// <summary>StaticOffloadLockTimeout: seconds to wait for another deploy's lease.</summary>
    public string? LockTimeout { get; set; }

    public bool RequireCoordination { get; set; }

    public string? HistoryDepth { get; set; }

    /// <summary>$(SourceRevisionId), recorded in the deploy history.</summary>
    public string? SourceRevisionId { get; set; }

    [Required]
    public string SnapshotFile { get; set; } = "";

    [Output]
    public ITaskItem[] Uploaded { get; private set; } = [];

    [Output]
    public ITaskItem[] MetadataUpdated { get; private set; } = [];

    [Output]
    public ITaskItem[] Deleted { get; private set; } = [];

    [Output]
    public ITaskItem[] Unchanged { get; private set; } = [];

    /// <summary>URL paths a CDN must invalidate (changed, non-immutable keys), collapsed to a wildcard above the limit.</summary>
    [Output]
    public ITaskItem[] InvalidationPaths { get; private set; } = [];

    /// <summary>The id of the CloudFront invalidation the deploy created; empty when none.</summary>
    [Output]
    public string InvalidationId { get; private set; } = "";

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var (request, problems) = SyncRequestBuilder.Build(Settings());
        foreach (var problem in problems)
        {
            Log.LogDiagnostic(problem);
        }

        if (request is null)
        {
            return false;
        }

        if (string.Equals(Operation, "History", StringComparison.OrdinalIgnoreCase))
        {
            var lines = Run(request, (store, log, _) => HistoryLines(request, store, log));
            foreach (var line in lines ?? [])
            {
                Log.LogMessage(MessageImportance.High, line);
            }

            return lines is not null && !Log.HasLoggedErrors;
        }

        var result = string.Equals(Operation, "Rollback", StringComparison.OrdinalIgnoreCase)
            ? Run(request, (store, log, cancel) => new Rollback.RollbackEngine(store, log).RunAsync(request, Text.NullIfBlank(RollbackTo), cancel))
            : Run(request, (store, log, cancel) => new SyncEngine(store, log).RunAsync(request, cancel));
        if (result is null)
        {
            return false;
        }

        Uploaded = Items(result, SyncActionKind.Upload);
        MetadataUpdated = Items(result, SyncActionKind.UpdateMetadata);
        Deleted = Items(result, SyncActionKind.Delete);
        Unchanged = result.Plan.Actions.Where(a => a.Kind == SyncActionKind.Unchanged).Select(ToItem).ToArray();
        InvalidationId = result.Invalidation?.Id ?? "";
        InvalidationPaths = result.InvalidationPaths.Select(path => (ITaskItem)new TaskItem(MsBuildEscaping.Escape(path))).ToArray();
        return !Log.HasLoggedErrors && result.Succeeded;
    }

    private static async System.Threading.Tasks.Task<IReadOnlyList<string>> HistoryLines(SyncRequest request, IObjectStore store, ISyncLog log)
    {
        var (history, _, problem) = await new History.HistoryRecorder(store, request, log).ReadAsync(CancellationToken.None).ConfigureAwait(false);
        return problem is null
            ? History.HistoryTable.Lines(history, store.Destination)
            : [$"StaticOffload: the deploy history of {store.Destination} is not usable: {problem}."];
    }

    /// <summary>
    /// Runs the engine off the build thread and relays its messages from here: MSBuild's logger belongs to the build
    /// thread. Null when it failed (the failure is logged).
    /// </summary>
    private T? Run<T>(SyncRequest request, Func<IObjectStore, ISyncLog, CancellationToken, System.Threading.Tasks.Task<T>> work)
        where T : class
    {
        var log = new QueuedLog();
        try
        {
            using var store = new S3ObjectStore(request.Destination);
            System.Threading.Tasks.Task<T>? run = null;
            using var termination = new Termination(_cancel, () => run ?? System.Threading.Tasks.Task.CompletedTask, request.Destination.Describe());
            run = System.Threading.Tasks.Task.Run(() => work(store, log, _cancel.Token));
            // A kernel wait, not Task.Wait: that one spins before it blocks, every 200 ms, on a CPU the uploads need.
            var finished = ((IAsyncResult)run).AsyncWaitHandle;
            while (!finished.WaitOne(TimeSpan.FromMilliseconds(200)))
            {
                log.DrainTo(Log);
            }

            var result = run.GetAwaiter().GetResult();
            log.DrainTo(Log);
            return result;
        }
        catch (SyncFailedException ex)
        {
            log.DrainTo(Log);
            Log.LogDiagnostic(ex.Diagnostic);
            return null;
        }
        catch (OperationCanceledException)
        {
            log.DrainTo(Log);
            Log.LogDiagnostic(Messages.SyncCancelled(request.Destination.Describe()));
            return null;
        }
    }

    private SyncSettings Settings() => new(SnapshotFile)
    {
        Files = Files.Select(item => new FileSetting(
            item.GetMetadata("FullPath"),
            item.Metadata("RelativePath"),
            item.FileName(),
            item.Headers(),
            item.Metadata("EntryFile"))).ToArray(),
        Redirects = Redirects.Select(item => new RedirectSetting(
            item.ItemSpec, item.Metadata("Location"), item.Metadata("ContentType"), item.Metadata("CacheControl"))).ToArray(),
        Bucket = Bucket,
        Prefix = Prefix,
        Region = Region,
        Profile = Profile,
        ServiceUrl = ServiceUrl,
        Provider = Provider,
        ForcePathStyle = ForcePathStyle,
        ChunkedUploads = ChunkedUploads,
        ServerSideCopy = ServerSideCopy,
        Delete = Delete,
        MaxDeletes = MaxDeletes,
        DeleteAfterDeploys = DeleteAfterDeploys,
        DeleteAfterHours = DeleteAfterHours,
        AllowShrink = AllowShrink,
        AllowRootDelete = AllowRootDelete,
        RemoteState = RemoteState,
        StateKey = StateKey,
        StateBucket = StateBucket,
        Verify = Verify,
        Force = Force,
        CloudFrontDistributionId = CloudFrontDistributionId,
        CloudFrontWait = CloudFrontWait,
        DryRun = DryRun,
        Concurrency = Concurrency,
        Timeout = Timeout,
        InvalidationMaxPaths = InvalidationMaxPaths,
        ReportFile = ReportFile,
        LockTimeout = LockTimeout,
        RequireCoordination = RequireCoordination,
        HistoryDepth = HistoryDepth,
        SourceRevisionId = SourceRevisionId,
    };

    private static ITaskItem[] Items(SyncResult result, SyncActionKind kind) =>
        result.Completed.Where(a => a.Kind == kind).OrderBy(a => a.Key, StringComparer.Ordinal).Select(ToItem).ToArray();

    private static TaskItem ToItem(SyncAction action)
    {
        var item = new TaskItem(MsBuildEscaping.Escape(action.Key));
        item.SetMetadata("Key", MsBuildEscaping.Escape(action.Key));
        item.SetMetadata("Reason", action.Reason.ToString());
        if (action.Local is { } local)
        {
            item.SetMetadata("SourceFile", MsBuildEscaping.Escape(local.FullPath));
            item.SetMetadata("CacheControl", MsBuildEscaping.Escape(local.Headers.CacheControl ?? ""));
            item.SetMetadata("ContentType", MsBuildEscaping.Escape(local.Headers.ContentType));
        }

        return item;
    }

    /// <summary>Collects the engine's messages from any thread until the build thread relays them.</summary>
    private sealed class QueuedLog : ISyncLog
    {
        private readonly ConcurrentQueue<Action<TaskLoggingHelper>> _queue = new();

        public void Important(string message) => _queue.Enqueue(l => l.LogMessage(MessageImportance.High, message));

        public void Change(string message) => _queue.Enqueue(l => l.LogMessage(MessageImportance.Normal, message));

        public void Detail(string message) => _queue.Enqueue(l => l.LogMessage(MessageImportance.Low, message));

        public void Report(Diagnostic d) => _queue.Enqueue(l => l.LogDiagnostic(d));

        public void DrainTo(TaskLoggingHelper log)
        {
            while (_queue.TryDequeue(out var write))
            {
                write(log);
            }
        }
    }
}
