using StaticOffload.Diagnostics;
using StaticOffload.Files;
using StaticOffload.Keys;
using StaticOffload.Rules;
using StaticOffload.Storage.S3;
using StaticOffload.Sync;

namespace StaticOffload.Settings;

/// <summary>
/// Turns a user's <see cref="SyncSettings"/> into the <see cref="SyncRequest"/> the engine runs: parses numbers and
/// switches (SO1015 for one that does not parse), normalizes the prefix (SO1003), merges the provider preset with
/// what the user set explicitly, and fills in every default. What a request may not contain (a bad bucket name, a
/// state key inside the site, duplicate keys) is the engine's <see cref="RequestValidator"/>'s to report, once.
/// </summary>
public static class SyncRequestBuilder
{
    /// <summary>GitHub Actions collects a job summary from the file this names; other CI systems do not set it.</summary>
    public const string StepSummaryVariable = "GITHUB_STEP_SUMMARY";

    /// <summary>The AWS SDKs' own override of CloudFront's endpoint (a test server, a proxy).</summary>
    public const string CloudFrontEndpointVariable = "AWS_ENDPOINT_URL_CLOUDFRONT";

    /// <param name="environment">Reads an environment variable; the process's own when null.</param>
    /// <returns>The request, or null with at least one error among the diagnostics.</returns>
    public static (SyncRequest? Request, IReadOnlyList<Diagnostic> Diagnostics) Build(SyncSettings settings,
        Func<string, string?>? environment = null)
    {
        var values = new SettingValues();
        var prefix = ObjectKeys.NormalizePrefix(settings.Prefix, out var prefixProblem);
        if (prefixProblem is not null)
        {
            values.Report(prefixProblem);
        }

        var maxDeletes = values.Int(settings.MaxDeletes, "StaticOffloadMaxDeletes", Defaults.MaxDeletes);
        var concurrency = values.Int(settings.Concurrency, "StaticOffloadConcurrency", Defaults.Concurrency);
        var timeout = values.Int(settings.Timeout, "StaticOffloadTimeout", Defaults.TimeoutSeconds);
        if (timeout < 1)
        {
            values.Report(Messages.TimeoutTooShort(settings.Timeout));
        }

        var lockTimeout = values.Int(settings.LockTimeout, "StaticOffloadLockTimeout", Defaults.LockTimeoutSeconds);
        var historyDepth = values.Int(settings.HistoryDepth, "StaticOffloadHistoryDepth", Defaults.HistoryDepth);
        if (lockTimeout < 0 || historyDepth < 0)
        {
            values.Report(Messages.NegativeCoordinationSetting());
        }

        var deleteAfterDeploys = values.Int(settings.DeleteAfterDeploys, "StaticOffloadDeleteAfterDeploys", 0);
        var deleteAfterHours = values.Int(settings.DeleteAfterHours, "StaticOffloadDeleteAfterHours", 0);
        var invalidationMaxPaths = values.Int(settings.InvalidationMaxPaths, "StaticOffloadInvalidationMaxPaths", Defaults.InvalidationMaxPaths);
        if (deleteAfterDeploys < 0 || deleteAfterHours < 0)
        {
            values.Report(Messages.NegativeDeleteAfter());
        }

        var serviceUrl = Text.NullIfBlank(settings.ServiceUrl);
        var preset = Preset(settings.Provider, serviceUrl, values);
        var forcePathStyle = BucketAddressing.UsePathStyle(
            values.OptionalBool(settings.ForcePathStyle, "StaticOffloadForcePathStyle"), preset, serviceUrl);
        var chunkedUploads = values.Bool(settings.ChunkedUploads, "StaticOffloadChunkedUploads", preset.ChunkedUploads);
        var serverSideCopy = values.Bool(settings.ServerSideCopy, "StaticOffloadServerSideCopy", preset.ServerSideCopy);
        if (values.HasErrors)
        {
            return (null, values.Diagnostics);
        }

        var request = new SyncRequest
        {
            Files = ToSyncFiles(settings),
            Destination = new S3Destination
            {
                Bucket = Text.NullIfBlank(settings.Bucket) ?? "",
                Prefix = prefix,
                Region = Text.NullIfBlank(settings.Region),
                Profile = Text.NullIfBlank(settings.Profile),
                ServiceUrl = serviceUrl,
                ForcePathStyle = forcePathStyle,
                ChunkedUploads = chunkedUploads,
                ServerSideCopy = serverSideCopy,
                StateBucket = Text.NullIfBlank(settings.StateBucket),
                SigningRegion = preset.SigningRegion,
                SupportsAcl = preset.SupportsAcl,
                SupportsRedirects = preset.SupportsRedirects,
                MaxConnections = concurrency,
                Timeout = TimeSpan.FromSeconds(timeout),
            },
            SnapshotPath = Path.GetFullPath(settings.SnapshotFile),
            DeleteRemoved = settings.Delete,
            MaxDeletes = maxDeletes,
            DryRun = settings.DryRun,
            Force = settings.Force,
            Concurrency = concurrency,
            DeleteAfterDeploys = deleteAfterDeploys,
            DeleteAfterAge = TimeSpan.FromHours(deleteAfterHours),
            AllowShrink = settings.AllowShrink,
            RemoteState = settings.RemoteState,
            StateKey = Text.NullIfBlank(settings.StateKey),
            Verify = settings.Verify,
            AllowRootDelete = settings.AllowRootDelete,
            InvalidationMaxPaths = invalidationMaxPaths,
            LockTimeout = TimeSpan.FromSeconds(lockTimeout),
            RequireCoordination = settings.RequireCoordination,
            HistoryDepth = historyDepth,
            Identity = Coordination.DeployIdentity.FromEnvironment(environment ?? Environment.GetEnvironmentVariable, Text.NullIfBlank(settings.SourceRevisionId),
                Environment.MachineName, Environment.UserName),
            ReportPath = Text.NullIfBlank(settings.ReportFile) is { } report ? Path.GetFullPath(report) : null,
            MarkdownSummaryPath = Text.NullIfBlank((environment ?? Environment.GetEnvironmentVariable)(StepSummaryVariable)),
            CloudFront = Text.NullIfBlank(settings.CloudFrontDistributionId) is { } distribution
                ? new Cdn.CloudFrontSettings(distribution.Trim(), settings.CloudFrontWait,
                    Text.NullIfBlank((environment ?? Environment.GetEnvironmentVariable)(CloudFrontEndpointVariable)))
                : null,
        };
        return (request, values.Diagnostics);
    }

    /// <summary>The store's preset; the user's own ForcePathStyle, ChunkedUploads and ServerSideCopy win over it.</summary>
    private static ProviderPreset Preset(string? provider, string? serviceUrl, SettingValues values)
    {
        try
        {
            return ProviderPreset.Resolve(provider, serviceUrl);
        }
        catch (SyncFailedException ex)
        {
            values.Report(ex.Diagnostic);
            return ProviderPreset.Aws;
        }
    }

    // Once over every file of a build: optimized up front (see LocalInventory.StatRange).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static SyncFile[] ToSyncFiles(SyncSettings settings)
    {
        var files = new SyncFile[settings.Files.Count + settings.Redirects.Count];
        var i = 0;
        foreach (var file in settings.Files)
        {
            files[i++] = new SyncFile(
                file.FullPath,
                (Text.NullIfBlank(file.RelativePath) ?? file.FileName).Replace('\\', '/'),
                file.Headers.ToObjectHeaders(ContentTypeMap.Fallback),
                SettingValues.Flag(file.EntryFile) ?? false);
        }

        foreach (var redirect in settings.Redirects)
        {
            files[i++] = SyncFile.Redirect(
                RelativePaths.File(redirect.Key),
                Text.NullIfBlank(redirect.Location) ?? "",
                new ObjectHeaders(
                    Text.NullIfBlank(redirect.ContentType) ?? Defaults.RedirectContentType,
                    Text.NullIfBlank(redirect.CacheControl) ?? Defaults.RedirectCacheControl));
        }

        return files;
    }
}
