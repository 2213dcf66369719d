namespace StaticOffload.Rules;

/// <summary>
/// One <c>StaticOffloadRule</c> item. Every header is optional: a rule sets only what it names, and for each header
/// the last matching rule that sets it wins (rules are applied in item order, the package's defaults first).
/// </summary>
public sealed record SyncRule(
    string Name,
    IReadOnlyList<Glob> Patterns,
    HeaderMetadata Headers,
    bool? Exclude = null,
    bool? EntryFile = null)
{
    public bool Matches(string relativePath) => Patterns.Any(p => p.IsMatch(relativePath));
}
