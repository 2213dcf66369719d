using StaticOffload.Diagnostics;

namespace StaticOffload.Rules;

/// <summary>What the rules decided for one file.</summary>
public sealed record ResolvedAttributes(
    ObjectHeaders Headers,
    bool Exclude,
    bool EntryFile,
    IReadOnlyList<string> MatchedRules);

/// <summary>
/// Applies <see cref="SyncRule"/>s to a file. Rules combine header by header: the last matching rule that sets a
/// header wins, so a user's rule (which comes after the package's defaults) overrides only what it names.
/// Headers the framework itself would serve (from the endpoints manifest) sit between the two: they replace the
/// package's defaults, and a user's rule still wins over them.
/// </summary>
/// <param name="defaultRuleCount">How many of <paramref name="rules"/>, from the start, are the package's defaults.</param>
/// <param name="frameworkHeaders">Per relative path, the Cache-Control and Content-Type ASP.NET Core would serve.</param>
public sealed class RuleMatcher(
    IReadOnlyList<SyncRule> rules,
    ContentTypeMap contentTypes,
    int defaultRuleCount = 0,
    IReadOnlyDictionary<string, Endpoints.EndpointHeaders>? frameworkHeaders = null)
{
    public const string FrameworkRuleName = "Endpoints";

    public IReadOnlyList<SyncRule> Rules { get; } = rules;

    /// <summary>
    /// Whether the framework's manifest lists this file as a precompressed variant (a <c>.br</c>/<c>.gz</c> with a
    /// Content-Encoding), so it is one even while its original is missing from the output.
    /// </summary>
    public bool IsPrecompressedVariant(string relativePath) =>
        frameworkHeaders is not null && frameworkHeaders.TryGetValue(relativePath, out var headers) && headers.ContentEncoding is not null;

    public ResolvedAttributes Resolve(string relativePath)
    {
        string? cacheControl = null, contentType = null, contentEncoding = null, storageClass = null, acl = null;
        bool? exclude = null, entry = null;
        var matched = new List<string>();
        for (var i = 0; i <= Rules.Count; i++)
        {
            if (i == defaultRuleCount && frameworkHeaders is not null && frameworkHeaders.TryGetValue(relativePath, out var framework))
            {
                matched.Add(FrameworkRuleName);
                cacheControl = Text.NullIfBlank(framework.CacheControl) ?? cacheControl;
                contentType = Text.NullIfBlank(framework.ContentType) ?? contentType;
                // A .br/.gz file whose original is not synced (deleted, or excluded) is resolved on its own: without
                // the manifest's encoding it would reach the bucket typed as the original with no Content-Encoding,
                // and browsers would render compressed bytes as text.
                contentEncoding = Text.NullIfBlank(framework.ContentEncoding) ?? contentEncoding;
            }

            if (i == Rules.Count)
            {
                break;
            }

            var rule = Rules[i];
            if (!rule.Matches(relativePath))
            {
                continue;
            }

            matched.Add(rule.Name);
            cacheControl = Text.NullIfBlank(rule.Headers.CacheControl) ?? cacheControl;
            contentType = Text.NullIfBlank(rule.Headers.ContentType) ?? contentType;
            contentEncoding = Text.NullIfBlank(rule.Headers.ContentEncoding) ?? contentEncoding;
            storageClass = Text.NullIfBlank(rule.Headers.StorageClass) ?? storageClass;
            acl = Text.NullIfBlank(rule.Headers.Acl) ?? acl;
            exclude = rule.Exclude ?? exclude;
            entry = rule.EntryFile ?? entry;
        }

        var headers = new ObjectHeaders(
            contentType ?? contentTypes.Resolve(relativePath),
            cacheControl,
            contentEncoding,
            storageClass,
            acl);
        return new ResolvedAttributes(headers, exclude ?? false, entry ?? false, matched);
    }

    /// <summary>Checks a rule's values before any file is touched; returns the problems found.</summary>
    public static IEnumerable<Diagnostic> Validate(SyncRule rule)
    {
        if (rule.Patterns.Count == 0)
        {
            yield return Messages.RuleWithoutPattern(rule.Name);
        }

        foreach (var problem in HeaderValidation.Check($"StaticOffloadRule '{rule.Name}'", rule.Headers.StorageClass,
                     rule.Headers.Acl, rule.Headers.CacheControl, rule.Headers.ContentType, rule.Headers.ContentEncoding))
        {
            yield return problem;
        }
    }
}
