using StaticOffload.Diagnostics;
using StaticOffload.Endpoints;
using StaticOffload.Rules;
using StaticOffload.Settings;

namespace StaticOffload.Files;

/// <summary>What resolution found: the files with their headers, and what the build log should show.</summary>
/// <param name="Files">Empty when a diagnostic is an error.</param>
/// <param name="Details">Low-importance log lines.</param>
public sealed record ResolveResult(IReadOnlyList<SelectedFile> Files, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Details)
{
    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
}

/// <summary>
/// Picks the files to mirror from the publish output and gives each the headers its rules give it: parses the rules
/// and settings, reads the framework's headers from the endpoints manifest, selects below the synced folder, keeps
/// symbolic links inside it, and adds the extra files.
/// </summary>
public static class FileResolver
{
    public static ResolveResult Resolve(ResolveSettings settings)
    {
        var values = new SettingValues();
        var details = new List<string>();
        IReadOnlyDictionary<string, EndpointHeaders>? frameworkHeaders = null;
        if (settings.HeadersFromEndpoints && Text.NullIfBlank(settings.EndpointsManifest) is { } manifest)
        {
            frameworkHeaders = FrameworkHeaders.Load(manifest, Defaults.WebRoot, settings.SourceFolder, values.Diagnostics);
            if (frameworkHeaders is not null)
            {
                details.Add($"StaticOffload: headers for {frameworkHeaders.Count} assets from {manifest}.");
            }
        }

        var rules = new List<SyncRule>();
        foreach (var setting in settings.DefaultRules.Concat(settings.Rules))
        {
            SyncRule rule;
            try
            {
                rule = ToRule(setting);
            }
            catch (FormatException ex)
            {
                values.Report(Messages.RuleWithInvalidPattern(setting.Name, ex.Message));
                continue;
            }

            values.Diagnostics.AddRange(RuleMatcher.Validate(rule));
            rules.Add(rule);
        }

        var compressedMode = CompressedAssets(settings.CompressedAssets, values);
        if (values.HasErrors)
        {
            return new ResolveResult([], values.Diagnostics, details);
        }

        var mappings = settings.ContentTypeMappings
            .Where(m => Text.NullIfBlank(m.Pattern) is not null)
            .Select(m => new ContentTypeMapping(m.ContentType, Glob.Parse(Text.NullIfBlank(m.Pattern)!),
                int.TryParse(Text.NullIfBlank(m.Priority), out var p) ? p : 0));
        var matcher = new RuleMatcher(rules, new ContentTypeMap(mappings), settings.DefaultRules.Count, frameworkHeaders);
        var publishDir = Path.GetFullPath(settings.PublishDir);
        var published = settings.PublishItemPaths.Concat(settings.StaticWebAssetPaths)
            .Where(path => !string.IsNullOrWhiteSpace(path))
            .Select(path => new PublishedFile(Path.Combine(publishDir, path), path));
        if (settings.ScanPublishDir)
        {
            // Without this, an empty file list reads as a site whose every file was removed: the guards then blame
            // the source folder or the shrink, not the publish that never ran (or ran for another configuration).
            var folder = Path.Combine(publishDir, RelativePaths.Folder(settings.SourceFolder));
            if (!Directory.Exists(folder))
            {
                values.Report(Messages.PublishOutputMissing(folder, Text.NullIfBlank(settings.Configuration) ?? "Debug", settings.ConfigurationAssumed));
                return new ResolveResult([], values.Diagnostics, details);
            }

            published = published.Concat(FileSelector.EnumerateFolder(publishDir, settings.SourceFolder));
        }

        var selection = new FileSelector(matcher, compressedMode).Select(published, settings.SourceFolder);
        var extra = new FileSelector(matcher, compressedMode).Select(
            settings.ExtraFiles.Select(f => new PublishedFile(f.FullPath, Text.NullIfBlank(f.RelativePath) ?? f.FileName)),
            null);
        var (kept, linkWarnings) = LinkGuard.Filter(selection.Files, Path.Combine(publishDir, settings.SourceFolder ?? ""));
        values.Diagnostics.AddRange(linkWarnings);
        var files = kept.Concat(extra.Files).ToArray();
        details.Add($"StaticOffload: {files.Length} files to sync from '{settings.SourceFolder}'; {selection.Excluded + extra.Excluded} excluded by rules, {selection.CompressedSkipped} precompressed siblings skipped.");
        return new ResolveResult(files, values.Diagnostics, details);
    }

    private static CompressedAssetMode CompressedAssets(string? value, SettingValues values)
    {
        if (Text.NullIfBlank(value) is not { } text)
        {
            return Defaults.CompressedAssets;
        }

        if (Enum.TryParse<CompressedAssetMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode))
        {
            return mode;
        }

        values.Report(Messages.UnknownCompressedAssetMode(value));
        return Defaults.CompressedAssets;
    }

    private static SyncRule ToRule(RuleSetting setting) => new(
        setting.Name,
        Glob.ParseList(setting.Pattern),
        setting.Headers.WithoutBlanks(),
        SettingValues.Flag(setting.Exclude),
        SettingValues.Flag(setting.EntryFile));
}
