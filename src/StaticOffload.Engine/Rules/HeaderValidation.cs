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
    public static bool IsSafeHeaderValue(string value) => !value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E);

    /// <summary>
    /// The one check of the headers a rule or a file sets; <paramref name="subject"/> says which, as the messages'
    /// first words ("StaticOffloadRule 'Assets'", "This file").
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(string subject, string? storageClass, string? acl, string? cacheControl,
        string? contentType, string? contentEncoding, string? file = null)
    {
        // Once per file of every sync: nothing is allocated for headers that pass.
        List<Diagnostic>? problems = null;
        if (storageClass is { Length: > 0 } sc && !StorageClasses.Contains(sc))
        {
            (problems ??= []).Add(Messages.UnknownStorageClass(subject, sc, StorageClasses, file));
        }

        if (acl is { Length: > 0 } a && !CannedAcls.Contains(a))
        {
            (problems ??= []).Add(Messages.UnknownAcl(subject, a, CannedAcls, file));
        }

        if (cacheControl is not null && !IsSafeHeaderValue(cacheControl))
        {
            (problems ??= []).Add(Messages.InvalidHeaderValue(subject, "CacheControl", file));
        }

        if (contentType is not null && !IsSafeHeaderValue(contentType))
        {
            (problems ??= []).Add(Messages.InvalidHeaderValue(subject, "ContentType", file));
        }

        if (contentEncoding is not null && !IsSafeHeaderValue(contentEncoding))
        {
            (problems ??= []).Add(Messages.InvalidHeaderValue(subject, "ContentEncoding", file));
        }

        return problems ?? (IReadOnlyList<Diagnostic>)[];
    }
}
