using System.Text;
using StaticOffload.Planning;

namespace StaticOffload.Cdn;

/// <summary>
/// The URL paths a CDN in front of the bucket must forget after a sync: keys whose content or headers changed, or
/// that were deleted. New keys are left out (nothing is cached under them), and so are immutable ones (a
/// fingerprinted name never changes content). Above a threshold the list collapses to one wildcard on the prefix,
/// since CDNs bill per path and a wildcard counts as one.
/// </summary>
public static class InvalidationPaths
{
    public static IReadOnlyList<string> From(IEnumerable<SyncAction> completed, string prefix, int maxPaths)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var action in completed)
        {
            var cached = action.Kind switch
            {
                // Nothing is cached under a new key; any other upload replaced what a CDN may hold.
                SyncActionKind.Upload => action.Reason != SyncReason.New,
                SyncActionKind.UpdateMetadata => true,
                SyncActionKind.Delete => true,
                SyncActionKind.Copy => action.Previous is not null,
                _ => false,
            };
            var immutable = (action.Local?.Headers ?? action.Restore?.Entry.Headers ?? action.Previous?.Headers)?.Immutable == true;
            if (!cached || immutable)
            {
                continue;
            }

            paths.Add(ToPath(action.Key));
            // A folder's index page is also served at the folder's own URL (CloudFront default root object, S3
            // website index documents).
            if (action.Key.EndsWith("/index.html", StringComparison.Ordinal) || action.Key == "index.html")
            {
                paths.Add(ToPath(action.Key[..^"index.html".Length]));
            }
        }

        if (paths.Count > maxPaths)
        {
            return [ToPath(prefix) + "*"];
        }

        return paths.ToArray();
    }

    /// <summary>"/" + the key with each segment percent-encoded (RFC 3986 unreserved characters kept).</summary>
    public static string ToPath(string key)
    {
        var sb = new StringBuilder("/");
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
