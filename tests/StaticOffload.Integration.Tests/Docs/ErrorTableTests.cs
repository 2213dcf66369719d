using System.Reflection;
using System.Text.RegularExpressions;
using StaticOffload.Diagnostics;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Docs;

/// <summary>README's error table and the package's codes are one list.</summary>
public sealed partial class ErrorTableTests
{
    private static IReadOnlyDictionary<string, string> Codes() => typeof(DiagnosticCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    private static HashSet<string> DocumentedCodes()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var table = readme[readme.IndexOf("## Errors", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return TableRowCodes().Matches(table).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_code_the_package_defines_is_in_the_README_error_table()
    {
        var documented = DocumentedCodes();

        Assert.Empty(Codes().Where(c => !documented.Contains(c.Value)).Select(c => $"{c.Value} ({c.Key})"));
    }

    [Fact]
    public void The_README_error_table_lists_no_code_the_package_does_not_define()
    {
        var defined = Codes().Values.ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(DocumentedCodes(), c => !defined.Contains(c));
    }

    [Fact]
    public void Every_code_the_package_defines_is_one_it_can_emit()
    {
        var source = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && Path.GetFileName(path) != "DiagnosticCodes.cs")
            .Select(File.ReadAllText));

        Assert.DoesNotContain(Codes().Keys, name => !source.Contains($"DiagnosticCodes.{name}", StringComparison.Ordinal));
    }

    [Fact]
    public void Codes_are_unique_and_errors_and_warnings_are_numbered_apart()
    {
        var codes = Codes();

        Assert.Equal(codes.Count, codes.Values.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes.Values, code => Assert.Matches("^SO[12][0-9]{3}$", code));
    }

    [GeneratedRegex(@"(?<=`)SO[0-9]{4}(?=`)")]
    private static partial Regex TableRowCodes();
}
