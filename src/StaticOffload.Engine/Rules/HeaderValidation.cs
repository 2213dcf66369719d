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
}
