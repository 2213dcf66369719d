using System.Globalization;
using StaticOffload.Diagnostics;

namespace StaticOffload.Settings;

/// <summary>
/// Reads the text a user wrote for a property (MSBuild hands every value over as a string): blank is "not set" and
/// takes the default; anything that does not parse is an SO1015 naming the property, and the default stands in so
/// the remaining properties are still checked and every mistake is reported in one run.
/// </summary>
internal sealed class SettingValues
{
    public List<Diagnostic> Diagnostics { get; } = [];

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Report(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);

    public int Int(string? value, string property, int fallback)
    {
        if (Text.NullIfBlank(value) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        Report(Messages.NotAWholeNumber(property, value));
        return fallback;
    }

    public bool Bool(string? value, string property, bool fallback) => OptionalBool(value, property) ?? fallback;

    /// <summary>Null when not set: for a property whose default depends on others.</summary>
    public bool? OptionalBool(string? value, string property)
    {
        if (Text.NullIfBlank(value) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var parsed))
        {
            return parsed;
        }

        Report(Messages.NotTrueOrFalse(property, value));
        return null;
    }

    /// <summary>
    /// An item's true/false metadata (Exclude, EntryFile): null when not set, true only for "true" in any case; any
    /// other text is false, as MSBuild conditions read it.
    /// </summary>
    public static bool? Flag(string? value) =>
        Text.NullIfBlank(value) is { } text ? string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) : null;
}
