namespace StaticOffload.Files;

/// <summary>
/// The one way a path relative to the publish output, a web root or the bucket prefix is written: forward slashes,
/// no leading slash; a folder also ends in '/' unless it is the root (""). MSBuild items, user properties and the
/// endpoints manifest may use either slash and a leading "./" or "/".
/// </summary>
public static class RelativePaths
{
    /// <summary>A file's path: forward slashes, no leading slash.</summary>
    public static string File(string path) => path.Replace('\\', '/').TrimStart('/');

    /// <summary>A folder: "" for the root (empty, "." or "./"), else "a/b/".</summary>
    public static string Folder(string? folder)
    {
        var normalized = (folder ?? "").Replace('\\', '/').Trim();
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..].TrimStart('/');
        }

        normalized = normalized.Trim('/');
        return normalized is "." or "" ? "" : normalized + "/";
    }
}
