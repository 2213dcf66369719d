using System.Text;
using System.Text.RegularExpressions;

namespace StaticOffload.Rules;

/// <summary>
/// A file glob relative to the synced folder, with forward slashes. <c>*</c> and <c>?</c> stay inside one folder,
/// <c>**</c> spans folders, <c>{a,b}</c> is an alternation. A pattern without a slash matches the file name at any
/// depth — the way .gitignore and the SDK's <c>StaticWebAssetContentTypeMapping</c> patterns behave — so
/// <c>*.css</c> means every CSS file. Matching ignores case: extensions arrive in any case from real projects.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;
    private readonly bool _matchesFileNameOnly;

    private Glob(string pattern, Regex regex, bool matchesFileNameOnly)
    {
        Pattern = pattern;
        _regex = regex;
        _matchesFileNameOnly = matchesFileNameOnly;
    }

    public string Pattern { get; }

    public static Glob Parse(string pattern)
    {
        var normalized = pattern.Trim().Replace('\\', '/');
        // A leading "/" (or "./") anchors the pattern at the synced folder's root, as in .gitignore.
        var anchored = normalized.StartsWith('/') || normalized.StartsWith("./", StringComparison.Ordinal);
        if (anchored)
        {
            normalized = StripAnchor(normalized);
        }

        if (normalized.Length == 0)
        {
            throw new FormatException($"The glob '{pattern}' is empty.");
        }

        var fileNameOnly = !anchored && !normalized.Contains('/');
        var regex = new Regex(
            "^" + Translate(normalized) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        return new Glob(normalized, regex, fileNameOnly);
    }

    /// <summary>Splits a <c>;</c>-separated list, the way MSBuild writes lists in metadata.</summary>
    public static IReadOnlyList<Glob> ParseList(string? patterns) =>
        (patterns ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Parse)
            .ToArray();

    public bool IsMatch(string relativePath)
    {
        var candidate = _matchesFileNameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath;
        return _regex.IsMatch(candidate);
    }

    public override string ToString() => Pattern;

    private static string StripAnchor(string pattern)
    {
        while (pattern.StartsWith("./", StringComparison.Ordinal) || pattern.StartsWith('/'))
        {
            pattern = pattern.StartsWith('/') ? pattern[1..] : pattern[2..];
        }

        return pattern;
    }

    private static string Translate(string glob)
    {
        var sb = new StringBuilder();
        var inAlternation = false;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var atSegmentStart = i == 0 || glob[i - 1] == '/';
                    var followedBySlash = i + 2 < glob.Length && glob[i + 2] == '/';
                    if (atSegmentStart && followedBySlash)
                    {
                        // "**/" also matches no folder at all, so "**/*.css" matches "site.css".
                        sb.Append("(?:.*/)?");
                        i += 2;
                    }
                    else
                    {
                        sb.Append(".*");
                        i += 1;
                    }

                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '{' when inAlternation:
                    throw new FormatException($"The glob '{glob}' nests '{{' alternatives; list them flat, e.g. *.{{css,js,mjs}}.");
                case '{':
                    inAlternation = true;
                    sb.Append("(?:");
                    break;
                case '}' when inAlternation:
                    inAlternation = false;
                    sb.Append(')');
                    break;
                case ',' when inAlternation:
                    sb.Append('|');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (inAlternation)
        {
            throw new FormatException($"The glob '{glob}' has a '{{' without its closing '}}'.");
        }

        return sb.ToString();
    }
}
