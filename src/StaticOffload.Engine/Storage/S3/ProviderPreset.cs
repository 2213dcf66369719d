using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// Settings that make a given store work, chosen by StaticOffloadProvider. A property the user sets explicitly
/// always wins over the preset. Sources for each choice: docs/providers.md.
/// </summary>
/// <param name="ForcePathStyle">Address buckets as http://host/bucket/key.</param>
/// <param name="ChunkedUploads">Send bodies as aws-chunked streams with trailing checksums (the SDK's default).</param>
/// <param name="ServerSideCopy">The store supports CopyObject onto itself with REPLACE; otherwise headers change by re-upload.</param>
/// <param name="SigningRegion">The region to sign with when none is given.</param>
public sealed record ProviderPreset(string Name, bool ForcePathStyle, bool ChunkedUploads, bool ServerSideCopy, string? SigningRegion)
{
    public static readonly ProviderPreset Aws = new("AWS", ForcePathStyle: false, ChunkedUploads: true, ServerSideCopy: true, SigningRegion: null);

    public static readonly IReadOnlyDictionary<string, ProviderPreset> All = new Dictionary<string, ProviderPreset>(StringComparer.OrdinalIgnoreCase)
    {
        ["AWS"] = Aws,
        ["R2"] = new("R2", ForcePathStyle: true, ChunkedUploads: true, ServerSideCopy: true, SigningRegion: "auto"),
        ["MinIO"] = new("MinIO", ForcePathStyle: true, ChunkedUploads: true, ServerSideCopy: true, SigningRegion: "us-east-1"),
        ["B2"] = new("B2", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: true, SigningRegion: null),
        ["Compatible"] = new("Compatible", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: false, SigningRegion: "us-east-1"),
    };

    public static ProviderPreset Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Aws;
        }

        if (All.TryGetValue(name.Trim(), out var preset))
        {
            return preset;
        }

        throw new SyncFailedException(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
            $"StaticOffloadProvider is '{name}'; use one of: {string.Join(", ", All.Keys)}."));
    }
}
