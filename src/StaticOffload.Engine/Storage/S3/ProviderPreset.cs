using System.Text.RegularExpressions;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// Settings that make a given store work, chosen by StaticOffloadProvider. A property the user sets explicitly
/// always wins over the preset. docs/providers.md gives the source of every value.
/// </summary>
/// <param name="ForcePathStyle">Address buckets as http://host/bucket/key.</param>
/// <param name="ChunkedUploads">
/// Send bodies as aws-chunked streams with trailing CRC32 checksums (the SDK's default). When false, bodies go plain
/// and checksums only where S3 requires them; SigV4 still signs the body's SHA-256, so integrity is kept.
/// </param>
/// <param name="ServerSideCopy">CopyObject onto itself with REPLACE works; otherwise headers change by re-upload.</param>
/// <param name="SupportsAcl">The store honours x-amz-acl; otherwise an Acl rule is dropped with a warning.</param>
/// <param name="SupportsRedirects">The store honours x-amz-website-redirect-location.</param>
/// <param name="SigningRegion">The region to sign with when none is given.</param>
public sealed partial record ProviderPreset(
    string Name,
    bool ForcePathStyle,
    bool ChunkedUploads,
    bool ServerSideCopy,
    bool SupportsAcl,
    bool SupportsRedirects,
    string? SigningRegion)
{
    public static readonly ProviderPreset Aws = new("AWS", false, true, true, true, true, null);

    public static readonly IReadOnlyDictionary<string, ProviderPreset> All = new Dictionary<string, ProviderPreset>(StringComparer.OrdinalIgnoreCase)
    {
        ["AWS"] = Aws,
        // R2: no streaming SigV4 uploads and 501 on x-amz-checksum-* (docs/providers.md [R1] [R2] [R8] [A3]); ACLs and
        // website redirects are not implemented; signs with region "auto".
        ["R2"] = new("R2", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: true, SupportsAcl: false, SupportsRedirects: false, SigningRegion: "auto"),
        // MinIO: path-style by default; trailing checksums only in releases since 2023, so plain bodies; no object ACLs ([M1] [M3] [M6]).
        ["MinIO"] = new("MinIO", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: true, SupportsAcl: false, SupportsRedirects: true, SigningRegion: "us-east-1"),
        // B2: rejects the SDK's CRC32 headers; copy onto the same key with REPLACE is not documented ([B1] [B2] [B4]).
        ["B2"] = new("B2", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: false, SupportsAcl: false, SupportsRedirects: true, SigningRegion: null),
        // The lowest common denominator, proven against s3rver 3.7.1 in the end-to-end tests.
        ["Compatible"] = new("Compatible", ForcePathStyle: true, ChunkedUploads: false, ServerSideCopy: false, SupportsAcl: true, SupportsRedirects: true, SigningRegion: "us-east-1"),
    };

    public static ProviderPreset Resolve(string? name, string? serviceUrl = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Aws;
        }

        if (!All.TryGetValue(name.Trim(), out var preset))
        {
            throw new SyncFailedException(Messages.UnknownProvider(name, All.Keys));
        }

        // B2 endpoints name their region: https://s3.<region>.backblazeb2.com.
        if (preset.SigningRegion is null && serviceUrl is not null && B2Endpoint().Match(serviceUrl) is { Success: true } match)
        {
            return preset with { SigningRegion = match.Groups[1].Value };
        }

        return preset;
    }

    [GeneratedRegex(@"s3\.([a-z0-9-]+)\.backblazeb2\.com", RegexOptions.IgnoreCase)]
    private static partial Regex B2Endpoint();
}
