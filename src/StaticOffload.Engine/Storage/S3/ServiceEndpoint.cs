using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// StaticOffloadServiceUrl as it may be printed and as it may be used. The URL ends up in the build log, the JSON
/// report, the CI step summary, the snapshot and the bucket's sync state, so whatever could be a secret in it
/// (user-info, a query string such as a pre-signed token, a fragment) is refused before any request and never shown.
/// </summary>
public static class ServiceEndpoint
{
    /// <summary>
    /// scheme://host[:port][/path], without user-info, query or fragment and without a trailing '/'. A URL that has
    /// none of those prints as it was given (minus the '/'), so a snapshot's destination keeps its meaning.
    /// </summary>
    public static string Display(string serviceUrl) => Strip(serviceUrl, userInfo: "").TrimEnd('/');

    /// <summary>The problem with the URL, if any, in words that never repeat its user-info or query.</summary>
    public static Diagnostic? Validate(string? serviceUrl)
    {
        if (string.IsNullOrEmpty(serviceUrl))
        {
            return null;
        }

        if (UserInfoSpan(serviceUrl).Length > 0)
        {
            return Messages.ServiceUrlHasCredentials(Strip(serviceUrl, userInfo: "***@"));
        }

        if (!(Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            return Messages.ServiceUrlNotHttp(Display(serviceUrl));
        }

        if (serviceUrl.IndexOfAny(['?', '#']) >= 0)
        {
            return Messages.ServiceUrlWithQuery(Display(serviceUrl));
        }

        return null;
    }

    /// <summary>The URL without query and fragment, its user-info replaced by <paramref name="userInfo"/>.</summary>
    private static string Strip(string url, string userInfo)
    {
        var end = url.IndexOfAny(['?', '#']);
        var kept = end < 0 ? url : url[..end];
        var info = UserInfoSpan(kept);
        return info.Length == 0 ? kept : kept[..info.Start] + userInfo + kept[info.End..];
    }

    /// <summary>
    /// Where the user-info "user:pass@" is: after "scheme://" (or from the start), up to and including the LAST '@'
    /// before the path. The last, as browsers read it: a password may hold an unescaped '@'.
    /// </summary>
    private static (int Start, int End, int Length) UserInfoSpan(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '\\', '?', '#'], start);
        var authority = authorityEnd < 0 ? url[start..] : url[start..authorityEnd];
        var at = authority.LastIndexOf('@');
        return at < 0 ? (start, start, 0) : (start, start + at + 1, at + 1);
    }
}
