using StaticOffload.Rules;

namespace StaticOffload.Files;

/// <summary>A file of the publish output, as MSBuild lists it.</summary>
/// <param name="RelativePath">Path inside the publish folder, either slash.</param>
public sealed record PublishedFile(string FullPath, string RelativePath);

/// <summary>A file chosen for the bucket, with the headers its rules gave it.</summary>
/// <param name="RelativePath">Path relative to the synced folder with forward slashes; the key without the prefix.</param>
public sealed record SelectedFile(
    string FullPath,
    string RelativePath,
    ObjectHeaders Headers,
    bool EntryFile,
    IReadOnlyList<string> MatchedRules);

/// <summary>How precompressed <c>.br</c>/<c>.gz</c> siblings that publish writes next to an asset are treated.</summary>
public enum CompressedAssetMode
{
    /// <summary>
    /// Not uploaded. S3 does no content negotiation: a browser asking for <c>site.css</c> gets <c>site.css</c>,
    /// so the siblings would only cost storage and upload time. CDNs compress on their own.
    /// </summary>
    Skip,

    /// <summary>
    /// Uploaded as their own keys, typed as the original with Content-Encoding br/gzip, for CDNs or edge functions
    /// that rewrite requests to them. Never typed as application/gzip, which would make a browser download them.
    /// </summary>
    Upload,
}

public sealed record SelectionResult(IReadOnlyList<SelectedFile> Files, int Excluded, int CompressedSkipped);

/// <summary>
/// Turns the publish output into the files to sync: keeps what lies under the synced folder, applies the rules,
/// drops excluded files and decides what happens to precompressed siblings.
/// </summary>
public sealed class FileSelector(RuleMatcher rules, CompressedAssetMode compressedAssets)
{
    // Once over every file of a build: optimized up front (see LocalInventory.StatRange).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public SelectionResult Select(IEnumerable<PublishedFile> published, string? sourceFolder)
    {
        var folder = RelativePaths.Folder(sourceFolder);
        var candidates = new Dictionary<string, PublishedFile>(StringComparer.Ordinal);
        foreach (var file in published)
        {
            var relative = RelativePaths.File(file.RelativePath);
            if (folder.Length > 0)
            {
                if (!relative.StartsWith(folder, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                relative = relative[folder.Length..];
            }

            if (relative.Length > 0)
            {
                // The same target path listed twice (e.g. by two publish items) is one file: the last one wins,
                // as it would when MSBuild copies them into the publish folder.
                candidates[relative] = file with { RelativePath = relative };
            }
        }

        var selected = new List<SelectedFile>();
        int excluded = 0, compressedSkipped = 0;
        foreach (var (relative, file) in candidates.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            // A variant takes the headers its original's rules give, also while the original is missing (deleted
            // from the output): otherwise its headers would flip between the two and cost a copy each way.
            var original = CompressedOriginal(relative);
            if (original is not null && (candidates.ContainsKey(original) || rules.IsPrecompressedVariant(relative)))
            {
                if (compressedAssets == CompressedAssetMode.Skip)
                {
                    compressedSkipped++;
                    continue;
                }

                var ofOriginal = rules.Resolve(original);
                if (ofOriginal.Exclude)
                {
                    excluded++;
                    continue;
                }

                var own = rules.Resolve(relative);
                var headers = ofOriginal.Headers with
                {
                    ContentEncoding = relative.EndsWith(".br", StringComparison.OrdinalIgnoreCase) ? "br" : "gzip",
                    StorageClass = own.Headers.StorageClass ?? ofOriginal.Headers.StorageClass,
                    Acl = own.Headers.Acl ?? ofOriginal.Headers.Acl,
                };
                selected.Add(new SelectedFile(file.FullPath, relative, headers, ofOriginal.EntryFile, ofOriginal.MatchedRules));
                continue;
            }

            var resolved = rules.Resolve(relative);
            if (resolved.Exclude)
            {
                excluded++;
                continue;
            }

            selected.Add(new SelectedFile(file.FullPath, relative, resolved.Headers, resolved.EntryFile, resolved.MatchedRules));
        }

        return new SelectionResult(selected, excluded, compressedSkipped);
    }

    /// <summary>
    /// Every file under <paramref name="sourceFolder"/> of <paramref name="publishDir"/>, as paths relative to the
    /// publish folder: the file list when the sync runs on its own after an earlier publish. Dot-files are included
    /// (<c>.well-known/</c> is content), as MSBuild's <c>**</c> would include them.
    /// </summary>
    public static IReadOnlyList<PublishedFile> EnumerateFolder(string publishDir, string? sourceFolder)
    {
        var root = Path.GetFullPath(publishDir);
        var folder = Path.Combine(root, RelativePaths.Folder(sourceFolder));
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        var start = Path.TrimEndingDirectorySeparator(root).Length + 1;
        return Directory.EnumerateFiles(folder, "*", options)
            .Select(full => new PublishedFile(full, full[start..]))
            .ToArray();
    }

    private static string? CompressedOriginal(string relative)
    {
        foreach (var extension in new[] { ".br", ".gz" })
        {
            if (relative.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && relative.Length > extension.Length)
            {
                return relative[..^extension.Length];
            }
        }

        return null;
    }
}
