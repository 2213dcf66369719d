using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using StaticOffload.Diagnostics;
using StaticOffload.Files;
using StaticOffload.Rules;

namespace StaticOffload.Build.Tasks;

/// <summary>
/// Picks the files to mirror from the publish output and stamps each with the headers its rules give it, as item
/// metadata. Users adjust the result in a target after this one, before the sync reads it.
/// </summary>
public sealed class ResolveStaticOffloadFiles : Microsoft.Build.Utilities.Task
{
    /// <summary>@(ResolvedFileToPublish): publish items, placed at %(RelativePath) in the publish folder.</summary>
    public ITaskItem[] PublishItems { get; set; } = [];

    /// <summary>The SDK's static web assets for publish, placed at %(TargetPath) in the publish folder.</summary>
    public ITaskItem[] StaticWebAssets { get; set; } = [];

    /// <summary>Extra files (@(StaticOffloadExtraFile)): full path, with %(RelativePath) inside the synced folder.</summary>
    public ITaskItem[] ExtraFiles { get; set; } = [];

    [Required]
    public string PublishDir { get; set; } = "";

    /// <summary>
    /// No publish ran in this build (the sync called on its own): the files are what the publish folder holds on
    /// disk. Walked here rather than by an MSBuild glob, which cost more than the rest of a no-change sync.
    /// </summary>
    public bool ScanPublishDir { get; set; }

    /// <summary>The folder of the publish output that becomes the bucket prefix's root; empty for all of it.</summary>
    public string? SourceFolder { get; set; }

    public ITaskItem[] DefaultRules { get; set; } = [];

    public ITaskItem[] Rules { get; set; } = [];

    public ITaskItem[] ContentTypeMappings { get; set; } = [];

    public string? CompressedAssets { get; set; }

    /// <summary>The publish output's *.staticwebassets.endpoints.json, when the project has one.</summary>
    public ITaskItem[] EndpointsManifests { get; set; } = [];

    /// <summary>Take Cache-Control and Content-Type from the endpoints manifest (over the default rules).</summary>
    public bool HeadersFromEndpoints { get; set; } = true;

    /// <summary>The folder of the publish output that the manifest's asset paths are relative to.</summary>
    public string WebRoot { get; set; } = "wwwroot";

    [Output]
    public ITaskItem[] Files { get; private set; } = [];

    public override bool Execute()
    {
        var rules = new List<SyncRule>();
        var frameworkHeaders = HeadersFromEndpoints ? ReadFrameworkHeaders() : null;
        foreach (var item in DefaultRules.Concat(Rules))
        {
            SyncRule rule;
            try
            {
                rule = ToRule(item);
            }
            catch (FormatException ex)
            {
                LogError(Diagnostic.Error(DiagnosticCodes.InvalidRule,
                    $"StaticOffloadRule '{item.ItemSpec}' has an invalid Pattern: {ex.Message}"));
                continue;
            }

            foreach (var problem in RuleMatcher.Validate(rule))
            {
                LogError(problem);
            }

            rules.Add(rule);
        }

        if (!Enum.TryParse<CompressedAssetMode>(string.IsNullOrWhiteSpace(CompressedAssets) ? "Skip" : CompressedAssets.Trim(), true, out var compressedMode))
        {
            LogError(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
                $"StaticOffloadCompressedAssets is '{CompressedAssets}'; use Skip (default) or Upload."));
        }

        if (Log.HasLoggedErrors)
        {
            return false;
        }

        var mappings = ContentTypeMappings
            .Where(m => m.Metadata("Pattern") is not null)
            .Select(m => new ContentTypeMapping(m.ItemSpec, Glob.Parse(m.Metadata("Pattern")!),
                int.TryParse(m.Metadata("Priority"), out var p) ? p : 0));
        var matcher = new RuleMatcher(rules, new ContentTypeMap(mappings), DefaultRules.Length, frameworkHeaders);
        var publishDir = Path.GetFullPath(PublishDir);
        var published = PublishItems
            .Where(i => i.Metadata("RelativePath") is not null)
            .Select(i => new PublishedFile(Path.Combine(publishDir, i.GetMetadata("RelativePath")), i.GetMetadata("RelativePath")))
            .Concat(StaticWebAssets
                .Where(i => i.Metadata("TargetPath") is not null)
                .Select(i => new PublishedFile(Path.Combine(publishDir, i.GetMetadata("TargetPath")), i.GetMetadata("TargetPath"))));
        if (ScanPublishDir)
        {
            published = published.Concat(FileSelector.EnumerateFolder(publishDir, SourceFolder));
        }

        var selector = new FileSelector(matcher, compressedMode);
        var selection = selector.Select(published, SourceFolder);
        var extra = new FileSelector(matcher, compressedMode).Select(
            ExtraFiles.Select(i => new PublishedFile(i.GetMetadata("FullPath"), i.Metadata("RelativePath") ?? i.GetMetadata("Filename") + i.GetMetadata("Extension"))),
            null);

        var (kept, linkWarnings) = LinkGuard.Filter(selection.Files, Path.Combine(publishDir, SourceFolder ?? ""));
        foreach (var warning in linkWarnings)
        {
            Log.LogDiagnostic(warning);
        }

        Files = kept.Concat(extra.Files).Select(ToItem).ToArray();
        Log.LogMessage(MessageImportance.Low,
            $"StaticOffload: {Files.Length} files to sync from '{SourceFolder}'; {selection.Excluded + extra.Excluded} excluded by rules, {selection.CompressedSkipped} precompressed siblings skipped.");
        return true;
    }

    /// <summary>
    /// The manifest names assets relative to the web root; the rules see paths relative to the synced folder, which
    /// may be a subfolder of it.
    /// </summary>
    private Dictionary<string, Endpoints.EndpointHeaders>? ReadFrameworkHeaders()
    {
        if (EndpointsManifests.Length == 0)
        {
            return null;
        }

        var manifest = EndpointsManifests[0].GetMetadata("FullPath");
        Endpoints.EndpointsManifest parsed;
        try
        {
            parsed = Endpoints.EndpointsManifest.Load(manifest);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            Log.LogDiagnostic(Diagnostic.Warning(DiagnosticCodes.EndpointsManifestUnreadable,
                $"The static web assets endpoints manifest could not be read ({ex.Message}); headers come from the rules alone. Set StaticOffloadEndpointHeaders=false to silence this.",
                manifest));
            return null;
        }

        var webRoot = Normalize(WebRoot);
        var source = Normalize(SourceFolder == "." ? "" : SourceFolder);
        string below, above;
        if (source.StartsWith(webRoot, StringComparison.OrdinalIgnoreCase))
        {
            // Synced folder inside the web root (wwwroot/public): the manifest's paths lose that part.
            (below, above) = (source[webRoot.Length..], "");
        }
        else if (webRoot.StartsWith(source, StringComparison.OrdinalIgnoreCase))
        {
            // Synced folder above the web root (the whole publish output): the manifest's paths gain "wwwroot/".
            (below, above) = ("", webRoot[source.Length..]);
        }
        else
        {
            return null;
        }

        var result = new Dictionary<string, Endpoints.EndpointHeaders>(StringComparer.Ordinal);
        foreach (var (asset, headers) in parsed.HeadersByAssetPath())
        {
            if (asset.StartsWith(below, StringComparison.Ordinal))
            {
                result[above + asset[below.Length..]] = headers;
            }
        }

        Log.LogMessage(MessageImportance.Low, $"StaticOffload: headers for {result.Count} assets from {manifest}.");
        return result;

        static string Normalize(string? folder)
        {
            var f = (folder ?? "").Replace('\\', '/').Trim().Trim('/');
            return f.Length == 0 ? "" : f + "/";
        }
    }

    private static SyncRule ToRule(ITaskItem item) => new(
        item.ItemSpec,
        Glob.ParseList(item.GetMetadata("Pattern")),
        item.Metadata("CacheControl"),
        item.Metadata("ContentType"),
        item.Metadata("ContentEncoding"),
        item.Metadata("StorageClass"),
        item.Metadata("Acl"),
        item.BoolMetadata("Exclude"),
        item.BoolMetadata("EntryFile"));

    private static TaskItem ToItem(SelectedFile file)
    {
        var item = new TaskItem(MsBuildEscaping.Escape(file.FullPath));
        item.SetMetadata("RelativePath", MsBuildEscaping.Escape(file.RelativePath));
        item.SetMetadata("ContentType", MsBuildEscaping.Escape(file.Headers.ContentType));
        item.SetMetadata("EntryFile", file.EntryFile ? "true" : "false");
        // Unset reads as empty in MSBuild, and every metadata set is a copy of the item's immutable table: with
        // 10,000 files, leaving out the empty ones is a measurable part of resolving them.
        SetIfAny(item, "CacheControl", file.Headers.CacheControl);
        SetIfAny(item, "ContentEncoding", file.Headers.ContentEncoding);
        SetIfAny(item, "StorageClass", file.Headers.StorageClass);
        SetIfAny(item, "Acl", file.Headers.Acl);
        SetIfAny(item, "MatchedRules", string.Join(";", file.MatchedRules));
        return item;
    }

    private static void SetIfAny(TaskItem item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item.SetMetadata(name, MsBuildEscaping.Escape(value));
        }
    }

    private void LogError(Diagnostic d) => Log.LogDiagnostic(d);
}
