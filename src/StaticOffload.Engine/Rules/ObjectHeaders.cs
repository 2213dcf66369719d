namespace StaticOffload.Rules;

/// <summary>
/// The complete header set an object should carry. It is compared as a whole: S3's metadata update (CopyObject with
/// REPLACE) replaces every header at once, so a change to any one of them means sending all of them again.
/// </summary>
public sealed record ObjectHeaders(
    string ContentType,
    string? CacheControl = null,
    string? ContentEncoding = null,
    string? StorageClass = null,
    string? Acl = null,
    string? RedirectLocation = null)
{
    /// <summary>
    /// Served with "immutable" (fingerprinted names): such an object never changes under its key, so it goes first
    /// and never needs a CDN invalidation.
    /// </summary>
    public bool Immutable => HasDirective(CacheControl, "immutable");

    /// <summary>True when the headers S3 reports back on HEAD agree; the ACL is not part of a HEAD response.</summary>
    public bool VisibleHeadersEqual(ObjectHeaders other) =>
        string.Equals(ContentType, other.ContentType, StringComparison.Ordinal)
        && CacheControlEquivalent(CacheControl, other.CacheControl)
        && string.Equals(ContentEncoding ?? "", other.ContentEncoding ?? "", StringComparison.Ordinal)
        && string.Equals(NormalizeStorageClass(StorageClass), NormalizeStorageClass(other.StorageClass), StringComparison.Ordinal)
        && string.Equals(RedirectLocation ?? "", other.RedirectLocation ?? "", StringComparison.Ordinal);

    /// <summary>
    /// Same directives, in any order and case. HTTP clients re-serialize Cache-Control (.NET's HttpClient reorders
    /// "public, max-age=0, must-revalidate" on the way in), so a byte comparison would see a change that is none.
    /// </summary>
    public static bool CacheControlEquivalent(string? a, string? b) =>
        Directives(a).SequenceEqual(Directives(b), StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="value"/> has the directive <paramref name="name"/> (lower case, no value), as
    /// <see cref="Directives"/> would list it; asked of every file of a run, so without allocating.
    /// </summary>
    private static bool HasDirective(string? value, string name)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var range in value.AsSpan().Split(','))
        {
            var directive = value.AsSpan(range).Trim();
            var at = 0;
            foreach (var c in directive)
            {
                if (c == ' ')
                {
                    continue;
                }

                if (at == name.Length || char.ToLowerInvariant(c) != name[at])
                {
                    at = -1;
                    break;
                }

                at++;
            }

            if (at == name.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Directives(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .Order(StringComparer.Ordinal);

    // S3 omits x-amz-storage-class on HEAD for STANDARD objects, and an unset class means the bucket default (STANDARD).
    private static string NormalizeStorageClass(string? storageClass) =>
        string.IsNullOrEmpty(storageClass) ? "STANDARD" : storageClass;
}
