using StaticOffload.Diagnostics;

namespace StaticOffload.Files;

/// <summary>
/// Symbolic links in the synced folder are followed only while they stay inside it: a link to /etc/passwd or to
/// the repository's secrets must not end up in a public bucket, and a link loop must not hang the build.
/// </summary>
public static class LinkGuard
{
    // Once over every file of a build: optimized up front (see LocalInventory.StatRange).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (IReadOnlyList<SelectedFile> Kept, IReadOnlyList<Diagnostic> Warnings) Filter(
        IReadOnlyList<SelectedFile> files, string root)
    {
        var realDirectories = new Dictionary<string, string>(StringComparer.Ordinal);
        var fullRoot = Path.TrimEndingDirectorySeparator(RealPath(root, 0, realDirectories)) + Path.DirectorySeparatorChar;
        var kept = new List<SelectedFile>(files.Count);
        var warnings = new List<Diagnostic>();
        foreach (var file in files)
        {
            var problem = Check(file.FullPath, fullRoot, realDirectories);
            if (problem is null)
            {
                kept.Add(file);
            }
            else
            {
                warnings.Add(Messages.LinkOutsideSource(file.RelativePath, problem, file.FullPath));
            }
        }

        return (kept, warnings);
    }

    private static string? Check(string path, string root, Dictionary<string, string> realDirectories)
    {
        try
        {
            var real = RealPath(path, 0, realDirectories);
            return real.StartsWith(root, StringComparison.Ordinal) ? null : $"to '{real}', outside '{root}'";
        }
        catch (IOException ex)
        {
            return $"that cannot be resolved ({ex.Message})";
        }
    }

    /// <summary>
    /// The path with every link on the way resolved (a folder on the way can be a link too). Folders are resolved
    /// once per run: thousands of files share a handful of folders.
    /// </summary>
    private static string RealPath(string path, int depth, Dictionary<string, string> realDirectories)
    {
        if (depth > 40)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            return full;
        }

        if (!realDirectories.TryGetValue(parent, out var realParent))
        {
            realParent = RealPath(parent, depth, realDirectories);
            realDirectories[parent] = realParent;
        }

        var candidate = Path.Combine(realParent, Path.GetFileName(full));
        return new FileInfo(candidate).LinkTarget is { } target
            ? RealPath(Path.IsPathRooted(target) ? target : Path.Combine(realParent, target), depth + 1, realDirectories)
            : candidate;
    }
}
