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
    private readonly Func<string, bool> _isMatch;
    private readonly bool _matchesFileNameOnly;

    private Glob(string pattern, Func<string, bool> isMatch, bool matchesFileNameOnly)
    {
        Pattern = pattern;
        _isMatch = isMatch;
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
        // Translated (and checked) even when a plain string test will do the matching: a malformed pattern must fail
        // the same way either way.
        var regex = new Regex("^" + Translate(normalized) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // "**/name" is "name" at any depth: the same test on the file name.
        var segment = fileNameOnly ? normalized
            : !anchored && normalized.StartsWith("**/", StringComparison.Ordinal) && normalized.IndexOf('/', 3) < 0 ? normalized[3..]
            : null;
        if (segment is not null && SimpleMatcher(segment) is { } simple)
        {
            return new Glob(normalized, simple, matchesFileNameOnly: true);
        }

        return new Glob(normalized, regex.IsMatch, fileNameOnly);
    }

    /// <summary>
    /// A plain string test for the shapes nearly every rule has (<c>*.css</c>, <c>*.{css,js}</c>, <c>app*.json</c>,
    /// <c>sw.js</c>), or null for anything else. Thousands of files times a dozen rules made regex matching the
    /// larger part of resolving the files.
    /// </summary>
    private static Func<string, bool>? SimpleMatcher(string segment)
    {
        var alternatives = ExpandAlternation(segment);
        if (alternatives is null)
        {
            return null;
        }

        var tests = new List<(string Prefix, string? Suffix)>();
        foreach (var alternative in alternatives)
        {
            if (alternative.Contains('?') || alternative.Contains("**", StringComparison.Ordinal))
            {
                return null;
            }

            var star = alternative.IndexOf('*');
            if (star < 0)
            {
                tests.Add((alternative, null));
            }
            else if (alternative.IndexOf('*', star + 1) < 0)
            {
                tests.Add((alternative[..star], alternative[(star + 1)..]));
            }
            else
            {
                return null;
            }
        }

        var all = tests.ToArray();
        return name =>
        {
            foreach (var (prefix, suffix) in all)
            {
                if (suffix is null
                        ? name.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                        : name.Length >= prefix.Length + suffix.Length
                          && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                          && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        };
    }

    /// <summary><c>a{b,c}d</c> → <c>abd</c>, <c>acd</c>; null when there is more than one group.</summary>
    private static string[]? ExpandAlternation(string segment)
    {
        var open = segment.IndexOf('{');
        if (open < 0)
        {
            return [segment];
        }

        var close = segment.IndexOf('}', open);
        if (close < 0 || segment.IndexOf('{', close) >= 0)
        {
            return null;
        }

        var head = segment[..open];
        var tail = segment[(close + 1)..];
        return segment[(open + 1)..close].Split(',').Select(choice => head + choice + tail).ToArray();
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
        return _isMatch(candidate);
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
