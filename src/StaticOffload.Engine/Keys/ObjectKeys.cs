using System.Text;
using System.Text.RegularExpressions;
using StaticOffload.Diagnostics;

namespace StaticOffload.Keys;

/// <summary>Bucket names, prefixes and object keys: validated here once, so S3 never sees a malformed one.</summary>
public static partial class ObjectKeys
{
    public const int MaxKeyBytes = 1024;

    /// <summary>
    /// The folder right below the prefix that the package keeps for itself (the sync state): never synced, never
    /// deleted, never public.
    /// </summary>
    public const string ReservedFolder = ".staticoffload/";

    public static bool IsReserved(string prefix, string key) =>
        key.StartsWith(prefix, StringComparison.Ordinal) && key.AsSpan(prefix.Length).StartsWith(ReservedFolder, StringComparison.Ordinal);

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
            problem = Messages.PrefixWithBackslash(value);
            return "";
        }

        if (value.StartsWith('/'))
        {
            problem = Messages.PrefixWithLeadingSlash(value);
            return "";
        }

        var segments = value.TrimEnd('/').Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            problem = Messages.PrefixWithDotSegment(value);
            return "";
        }

        if (!value.All(c => !char.IsControl(c)))
        {
            problem = Messages.PrefixWithControlCharacter();
            return "";
        }

        return value.TrimEnd('/') + "/";
    }

    /// <summary>S3's rules for bucket names that work with both path-style and virtual-hosted addressing.</summary>
    public static Diagnostic? ValidateBucket(string? bucket)
    {
        if (string.IsNullOrWhiteSpace(bucket))
        {
            return Messages.MissingBucket();
        }

        if (bucket.Length is < 3 or > 63 || !BucketName().IsMatch(bucket) || bucket.Contains("..")
            || IpAddress().IsMatch(bucket) || bucket.StartsWith("xn--", StringComparison.Ordinal)
            || bucket.StartsWith("sthree-", StringComparison.Ordinal) || bucket.EndsWith("-s3alias", StringComparison.Ordinal)
            || bucket.EndsWith("--ol-s3", StringComparison.Ordinal))
        {
            return Messages.InvalidBucketName(bucket);
        }

        return null;
    }

    public static string ToKey(string prefix, string relativePath) => prefix + relativePath;

    /// <summary>
    /// The one rule for every key the package writes or deletes (site files, redirects, the state object): null when
    /// the key is safe, else why not. S3 would store any of these literally, but a key with a control character cannot
    /// travel in the XML of a listing or a batch delete, '.' and '..' segments are resolved away by browsers, CDNs and
    /// some SDKs' URL handling (so the object is unreachable, or another one is hit), and a leading or doubled '/'
    /// makes a folder with an empty name.
    /// </summary>
    public static string? KeyProblem(string key)
    {
        if (key.Length == 0)
        {
            return "it is empty";
        }

        // Printable ASCII, the common case, is checked in one vectorized pass; the first other character on, one by one.
        var other = key.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        for (var i = other < 0 ? key.Length : other; i < key.Length; i++)
        {
            if (IsUnsafeChar(key, i))
            {
                return char.IsControl(key[i])
                    ? $"it contains the control character U+{(int)key[i]:X4}"
                    : $"it contains U+{(int)key[i]:X4}, which is not a Unicode character";
            }
        }

        if (key[0] == '/')
        {
            return "it starts with '/'";
        }

        // Segment by segment without splitting: every listed, recorded and published key passes here on every run.
        for (var start = 0; start <= key.Length;)
        {
            var end = key.IndexOf('/', start);
            end = end < 0 ? key.Length : end;
            var segment = key.AsSpan(start, end - start);
            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment";
            }

            start = end + 1;
        }

        if (key.Contains("//", StringComparison.Ordinal))
        {
            return "it has an empty segment ('//')";
        }

        if (Utf8Length(key) > MaxKeyBytes)
        {
            return $"it is {Utf8Length(key)} bytes of UTF-8, over S3's {MaxKeyBytes}";
        }

        return null;
    }

    /// <summary>A key as a log line can show it: control and invalid characters as \uXXXX escapes.</summary>
    public static string Printable(string key)
    {
        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (IsUnsafeChar(key, i))
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)key[i]:X4}");
            }
            else
            {
                sb.Append(key[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A character no key may hold and no log line should print as it is: a control character, a non-character
    /// (U+FFFE, U+FFFF) or half of a surrogate pair without its other half.
    /// </summary>
    private static bool IsUnsafeChar(string text, int i)
    {
        var c = text[i];
        return char.IsControl(c) || c is '\uFFFE' or '\uFFFF'
            || (char.IsHighSurrogate(c) && !(i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            || (char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(text[i - 1])));
    }

    /// <summary>
    /// Whether the sync may delete or overwrite <paramref name="key"/>: below the prefix, outside the package's reserved
    /// folder, and within the key rule. Whatever planned the delete (a listing, the local snapshot, the bucket state),
    /// nothing else is ever touched.
    /// </summary>
    public static bool IsManaged(string prefix, string key) =>
        key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length
        && !IsReserved(prefix, key) && KeyProblem(key) is null;

    public static int Utf8Length(string key) => Encoding.UTF8.GetByteCount(key);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex IpAddress();
}
