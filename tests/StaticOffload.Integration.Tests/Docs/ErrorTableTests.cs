using System.Reflection;
using System.Text.RegularExpressions;
using StaticOffload.Diagnostics;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Docs;

/// <summary>
/// README's error table and the message catalogue (<see cref="Messages"/>) are one list, and the catalogue is the only
/// place a diagnostic is made. A README row is "| `SOxxxx` | meaning |", with " (warning)" after the code of a
/// warning; its meaning is the code's <see cref="SummaryAttribute"/>, character for character.
/// </summary>
public sealed partial class ErrorTableTests
{
    private const string CatalogueFile = "Messages.cs";

    private sealed record CatalogueCode(string Name, string Code, string? Summary);

    private sealed record TableRow(string Code, bool MarkedWarning, string Meaning);

    private static IReadOnlyList<CatalogueCode> Codes() => typeof(Messages)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name.EndsWith("Code", StringComparison.Ordinal))
        .Select(f => new CatalogueCode(f.Name, (string)f.GetRawConstantValue()!, f.GetCustomAttribute<SummaryAttribute>()?.Text))
        .ToList();

    private static IReadOnlyList<string> ErrorTableLines()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var table = readme[readme.IndexOf("## Errors", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return table.Split('\n').Where(line => line.StartsWith("| `SO", StringComparison.Ordinal)).ToList();
    }

    private static IReadOnlyList<TableRow> ErrorTable() => ErrorTableLines()
        .Select(line => TableRowPattern().Match(line))
        .Where(m => m.Success)
        .Select(m => new TableRow(m.Groups["code"].Value, m.Groups["warning"].Success, m.Groups["meaning"].Value))
        .ToList();

    private static IEnumerable<(string Path, string Text)> Sources(bool includeCatalogue) =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && (includeCatalogue || Path.GetFileName(path) != CatalogueFile))
            .Select(path => (Path.GetRelativePath(RepoPaths.Root, path), File.ReadAllText(path)));

    private static string Catalogue() =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "StaticOffload.Engine", "Diagnostics", CatalogueFile));

    [Fact]
    public void Every_code_the_package_defines_is_in_the_README_error_table()
    {
        var documented = ErrorTable().Select(r => r.Code).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(Codes().Where(c => !documented.Contains(c.Code)).Select(c => $"{c.Code} ({c.Name})"));
    }

    [Fact]
    public void The_README_error_table_lists_no_code_the_package_does_not_define()
    {
        var defined = Codes().Select(c => c.Code).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(ErrorTable(), r => !defined.Contains(r.Code));
    }

    [Fact]
    public void Every_README_error_row_names_one_code_once_in_code_order()
    {
        Assert.DoesNotContain(ErrorTableLines(), line => !TableRowPattern().IsMatch(line));
        var codes = ErrorTable().Select(r => r.Code).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_README_error_row_says_what_the_catalogue_summary_says()
    {
        var summaries = Codes().ToDictionary(c => c.Code, c => c.Summary, StringComparer.Ordinal);

        Assert.All(ErrorTable().Where(r => summaries.ContainsKey(r.Code)), row => Assert.Equal((row.Code, summaries[row.Code]), (row.Code, row.Meaning)));
    }

    [Fact]
    public void The_README_marks_exactly_the_warnings()
    {
        Assert.All(ErrorTable(), row => Assert.Equal((row.Code, row.Code.StartsWith("SO2", StringComparison.Ordinal)), (row.Code, row.MarkedWarning)));
    }

    [Fact]
    public void Every_code_has_a_one_line_summary()
    {
        Assert.Empty(Codes().Where(c => string.IsNullOrWhiteSpace(c.Summary) || c.Summary.Contains('\n', StringComparison.Ordinal)).Select(c => c.Name));
    }

    [Fact]
    public void Codes_are_unique_and_errors_and_warnings_are_numbered_apart()
    {
        var codes = Codes();

        Assert.Equal(codes.Count, codes.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^SO[12][0-9]{3}$", c.Code));
    }

    [Fact]
    public void Every_code_has_a_message_and_every_message_of_an_SO1xxx_code_is_an_error_and_of_an_SO2xxx_code_a_warning()
    {
        var codes = Codes().ToDictionary(c => c.Name, c => c.Code, StringComparer.Ordinal);
        var made = CatalogueMessage().Matches(Catalogue())
            .Select(m => (Severity: m.Groups["severity"].Value, Name: m.Groups["name"].Value))
            .ToList();

        Assert.Empty(codes.Keys.Except(made.Select(m => m.Name), StringComparer.Ordinal));
        Assert.All(made, m => Assert.Equal(
            (m.Name, codes[m.Name].StartsWith("SO1", StringComparison.Ordinal) ? "Error" : "Warning"),
            (m.Name, m.Severity)));
    }

    [Fact]
    public void Every_message_in_the_catalogue_is_one_the_package_can_emit()
    {
        var source = string.Join('\n', Sources(includeCatalogue: false).Select(s => s.Text));
        var factories = typeof(Messages).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Diagnostic))
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal);

        Assert.DoesNotContain(factories, name => !source.Contains($"Messages.{name}(", StringComparison.Ordinal));
    }

    [Fact]
    public void No_diagnostic_is_made_outside_the_catalogue()
    {
        var outside = Sources(includeCatalogue: false)
            .Where(s => Path.GetFileName(s.Path) != "Diagnostic.cs" && DiagnosticMade().IsMatch(s.Text))
            .Select(s => s.Path);

        Assert.Empty(outside);
    }

    [Fact]
    public void Tasks_log_a_diagnostic_only_through_the_one_logging_extension()
    {
        var tasks = Path.Combine("src", "StaticOffload.Build");
        var outside = Sources(includeCatalogue: false)
            .Where(s => s.Path.StartsWith(tasks, StringComparison.Ordinal) && Path.GetFileName(s.Path) != "TaskItems.cs"
                        && DirectLogging().IsMatch(s.Text))
            .Select(s => s.Path);

        Assert.Empty(outside);
    }

    [GeneratedRegex(@"^\| `(?<code>SO[0-9]{4})`(?<warning> \(warning\))? \| (?<meaning>.+) \|$")]
    private static partial Regex TableRowPattern();

    [GeneratedRegex(@"Diagnostic\.(?<severity>Error|Warning)\(\s*(?<name>\w+Code)\b")]
    private static partial Regex CatalogueMessage();

    [GeneratedRegex(@"\bDiagnostic\.(Error|Warning)\(|\bnew Diagnostic\(|\bnew\(DiagnosticSeverity\.")]
    private static partial Regex DiagnosticMade();

    [GeneratedRegex(@"\.Log(Error|Warning)\(|Console\.Error\.Write")]
    private static partial Regex DirectLogging();
}
