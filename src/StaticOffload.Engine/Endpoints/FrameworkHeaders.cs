using StaticOffload.Diagnostics;
using StaticOffload.Files;

namespace StaticOffload.Endpoints;

/// <summary>
/// The endpoints manifest's headers, keyed as the rules see files: relative to the synced folder. The manifest names
/// assets relative to the web root, and the synced folder may be a subfolder of it (wwwroot/public) or above it (the
/// whole publish output).
/// </summary>
public static class FrameworkHeaders
{
    /// <summary>
    /// Reads the manifest. One that cannot be read is a warning, not a failure: the rules alone then decide.
    /// </summary>
    /// <returns>Null when the manifest is unreadable or the two folders do not overlap.</returns>
    public static IReadOnlyDictionary<string, EndpointHeaders>? Load(string manifestPath, string? webRoot, string? sourceFolder,
        ICollection<Diagnostic> diagnostics)
    {
        EndpointsManifest manifest;
        try
        {
            manifest = EndpointsManifest.Load(manifestPath);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            diagnostics.Add(Messages.EndpointsManifestUnreadable(manifestPath, ex));
            return null;
        }

        return Rebase(manifest.HeadersByAssetPath(), webRoot, sourceFolder);
    }

    /// <param name="byAssetPath">Headers by path below <paramref name="webRoot"/>.</param>
    /// <param name="webRoot">The folder of the publish output the manifest's paths are relative to; null for wwwroot.</param>
    /// <param name="sourceFolder">The synced folder of the publish output.</param>
    /// <returns>Headers by path below <paramref name="sourceFolder"/>; null when neither folder contains the other.</returns>
    public static IReadOnlyDictionary<string, EndpointHeaders>? Rebase(IReadOnlyDictionary<string, EndpointHeaders> byAssetPath,
        string? webRoot, string? sourceFolder)
    {
        var root = RelativePaths.Folder(webRoot ?? Defaults.WebRoot);
        var source = RelativePaths.Folder(sourceFolder);
        string below, above;
        if (source.StartsWith(root, StringComparison.OrdinalIgnoreCase))
        {
            // Synced folder inside the web root (wwwroot/public): the manifest's paths lose that part.
            (below, above) = (source[root.Length..], "");
        }
        else if (root.StartsWith(source, StringComparison.OrdinalIgnoreCase))
        {
            // Synced folder above the web root (the whole publish output): the manifest's paths gain "wwwroot/".
            (below, above) = ("", root[source.Length..]);
        }
        else
        {
            return null;
        }

        var result = new Dictionary<string, EndpointHeaders>(StringComparer.Ordinal);
        foreach (var (asset, headers) in byAssetPath)
        {
            if (asset.StartsWith(below, StringComparison.Ordinal))
            {
                result[above + asset[below.Length..]] = headers;
            }
        }

        return result;
    }
}
