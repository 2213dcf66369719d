namespace StaticOffload;

/// <summary>MSBuild properties, item metadata and response headers all say "not set" with empty or blank text.</summary>
public static class Text
{
    /// <summary>Null for null, empty or white space; otherwise the value without surrounding white space.</summary>
    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
