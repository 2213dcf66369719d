using StaticOffload.Diagnostics;

namespace StaticOffload.Rules;

/// <summary>What S3 accepts for the headers a rule can set, checked before anything is sent.</summary>
public static class HeaderValidation
{
    public static readonly IReadOnlySet<string> StorageClasses = new HashSet<string>(StringComparer.Ordinal)
    {
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
        "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE",
    };

    public static readonly IReadOnlySet<string> CannedAcls = new HashSet<string>(StringComparer.Ordinal)
    {
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
        "bucket-owner-full-control",
    };

    /// <summary>
    /// Header values travel in the signed request as-is; a control character would either be rejected by S3 after
    /// other objects were already changed, or split the header. Only visible ASCII and spaces are safe.
    /// </summary>
    public static bool IsSafeHeaderValue(string value) => value.All(c => c >= 0x20 && c < 0x7F);

    /// <summary>
    /// The one check of the headers a rule or a file sets; <paramref name="subject"/> says which, as the messages'
    /// first words ("StaticOffloadRule 'Assets'", "This file").
    /// </summary>
    public static IEnumerable<Diagnostic> Check(string subject, string? storageClass, string? acl, string? cacheControl,
        string? contentType, string? contentEncoding, string? file = null)
    {
        if (storageClass is { Length: > 0 } sc && !StorageClasses.Contains(sc))
        {
            yield return Messages.UnknownStorageClass(subject, sc, StorageClasses, file);
        }

        if (acl is { Length: > 0 } a && !CannedAcls.Contains(a))
        {
            yield return Messages.UnknownAcl(subject, a, CannedAcls, file);
        }

        foreach (var (name, value) in new[] { ("CacheControl", cacheControl), ("ContentType", contentType), ("ContentEncoding", contentEncoding) })
        {
            if (value is not null && !IsSafeHeaderValue(value))
            {
                yield return Messages.InvalidHeaderValue(subject, name, file);
            }
        }
    }
}
