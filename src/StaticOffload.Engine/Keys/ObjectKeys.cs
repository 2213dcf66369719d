using System.Text;
using System.Text.RegularExpressions;
using StaticOffload.Diagnostics;

namespace StaticOffload.Keys;

/// <summary>Bucket names, prefixes and object keys: validated here once, so S3 never sees a malformed one.</summary>
public static partial class ObjectKeys
{
    public const int MaxKeyBytes = 1024;

    /// <summary>Turns a user's prefix into "" or "a/b/"; reports why it cannot be used.</summary>
    public static string NormalizePrefix(string? prefix, out Diagnostic? problem)
    {
        problem = null;
        var value = (prefix ?? "").Trim();
        if (value.Length == 0)
        {
            return "";
        }

        if (value.Contains('\\'))
        {
            problem = Diagnostic.Error(DiagnosticCodes.InvalidPrefix,
                $"StaticOffloadPrefix '{value}' contains a backslash. S3 keys use forward slashes: write it as '{value.Replace('\\', '/')}'.");
            return "";
        }

        if (value.StartsWith('/'))
        {
            problem = Diagnostic.Error(DiagnosticCodes.InvalidPrefix,
                $"StaticOffloadPrefix '{value}' starts with '/'. S3 would create a folder with an empty name; write it as '{value.TrimStart('/')}'.");
            return "";
        }

        var segments = value.TrimEnd('/').Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            problem = Diagnostic.Error(DiagnosticCodes.InvalidPrefix,
                $"StaticOffloadPrefix '{value}' has an empty, '.' or '..' segment. S3 does not resolve them, so the objects would land under a literal '..' folder; write the plain path, e.g. 'site/v1'.");
            return "";
        }

        if (!value.All(c => !char.IsControl(c)))
        {
            problem = Diagnostic.Error(DiagnosticCodes.InvalidPrefix,
                $"StaticOffloadPrefix contains a control character. Remove it.");
            return "";
        }

        return value.TrimEnd('/') + "/";
    }

    /// <summary>S3's rules for bucket names that work with both path-style and virtual-hosted addressing.</summary>
    public static Diagnostic? ValidateBucket(string? bucket)
    {
        if (string.IsNullOrWhiteSpace(bucket))
        {
            return Diagnostic.Error(DiagnosticCodes.MissingBucket,
                "StaticOffloadBucket is not set. Set it to the bucket's name, e.g. <StaticOffloadBucket>my-site-assets</StaticOffloadBucket>, or set StaticOffloadEnabled=false to skip the sync.");
        }

        if (bucket.Length is < 3 or > 63 || !BucketName().IsMatch(bucket) || bucket.Contains("..")
            || IpAddress().IsMatch(bucket) || bucket.StartsWith("xn--", StringComparison.Ordinal)
            || bucket.StartsWith("sthree-", StringComparison.Ordinal) || bucket.EndsWith("-s3alias", StringComparison.Ordinal)
            || bucket.EndsWith("--ol-s3", StringComparison.Ordinal))
        {
            return Diagnostic.Error(DiagnosticCodes.InvalidBucketName,
                $"StaticOffloadBucket '{bucket}' is not a valid S3 bucket name. Use 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit (no 's3://' and no path: put folders in StaticOffloadPrefix).");
        }

        return null;
    }

    public static string ToKey(string prefix, string relativePath) => prefix + relativePath;

    public static int Utf8Length(string key) => Encoding.UTF8.GetByteCount(key);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex IpAddress();
}
