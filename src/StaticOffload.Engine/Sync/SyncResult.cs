using StaticOffload.Diagnostics;
using StaticOffload.Planning;

namespace StaticOffload.Sync;

public sealed record SyncResult
{
    public SyncPlan Plan { get; init; } = new([]);

    /// <summary>Actions that took effect in the bucket (for a dry run: none).</summary>
    public IReadOnlyList<SyncAction> Completed { get; init; } = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public long BytesUploaded { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>How the bucket's state was known: from the snapshot file, or by listing the bucket.</summary>
    public bool UsedListing { get; init; }

    public bool DryRun { get; init; }

    /// <summary>
    /// URL paths a CDN in front of the bucket must forget after this run (see <see cref="Cdn.InvalidationPaths"/>):
    /// filled in as the run finishes, also for the JSON report.
    /// </summary>
    public IReadOnlyList<string> InvalidationPaths { get; init; } = [];

    /// <summary>The CloudFront invalidation the run created (StaticOffloadCloudFrontDistributionId); null when none.</summary>
    public Cdn.Invalidation? Invalidation { get; init; }

    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);

    public int CompletedCount(SyncActionKind kind) => Completed.Count(a => a.Kind == kind);
}
