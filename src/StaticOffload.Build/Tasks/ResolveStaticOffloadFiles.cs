using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using StaticOffload.Files;
using StaticOffload.Settings;

namespace StaticOffload.Build.Tasks;

/// <summary>
/// Picks the files to mirror from the publish output and stamps each with the headers its rules give it, as item
/// metadata. Users adjust the result in a target after this one, before the sync reads it. Only translates: MSBuild
/// inputs to <see cref="ResolveSettings"/>, the engine's <see cref="FileResolver"/> result to items and log messages.
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
    /// disk. Walked by the engine rather than by an MSBuild glob, which cost more than the rest of a no-change sync.
    /// </summary>
    public bool ScanPublishDir { get; set; }

    /// <summary>$(Configuration): the configuration whose publish folder <see cref="PublishDir"/> is.</summary>
    public string? Configuration { get; set; }

    /// <summary>No configuration was given to the build: <see cref="Configuration"/> is what `dotnet publish` would use.</summary>
    public bool ConfigurationAssumed { get; set; }

    /// <summary>The folder of the publish output that becomes the bucket prefix's root; empty for all of it.</summary>
    public string? SourceFolder { get; set; }

    public ITaskItem[] DefaultRules { get; set; } = [];

    public ITaskItem[] Rules { get; set; } = [];

    public ITaskItem[] ContentTypeMappings { get; set; } = [];

    public string? CompressedAssets { get; set; }

    /// <summary>The publish output's *.staticwebassets.endpoints.json, when the project has one.</summary>
    public ITaskItem[] EndpointsManifests { get; set; } = [];

    /// <summary>Take Cache-Control and Content-Type from the endpoints manifest (over the default rules).</summary>
    public bool HeadersFromEndpoints { get; set; } = Defaults.HeadersFromEndpoints;

    [Output]
    public ITaskItem[] Files { get; private set; } = [];

    public override bool Execute()
    {
        var result = FileResolver.Resolve(new ResolveSettings
        {
            PublishItemPaths = PublishItems.Select(i => i.GetMetadata("RelativePath")).ToArray(),
            StaticWebAssetPaths = StaticWebAssets.Select(i => i.GetMetadata("TargetPath")).ToArray(),
            ExtraFiles = ExtraFiles.Select(i => new ExtraFileSetting(i.GetMetadata("FullPath"), i.Metadata("RelativePath"), i.FileName())).ToArray(),
            PublishDir = PublishDir,
            ScanPublishDir = ScanPublishDir,
            Configuration = Configuration,
            ConfigurationAssumed = ConfigurationAssumed,
            SourceFolder = SourceFolder,
            DefaultRules = DefaultRules.Select(ToRule).ToArray(),
            Rules = Rules.Select(ToRule).ToArray(),
            ContentTypeMappings = ContentTypeMappings
                .Select(m => new ContentTypeMappingSetting(m.ItemSpec, m.Metadata("Pattern"), m.Metadata("Priority"))).ToArray(),
            CompressedAssets = CompressedAssets,
            EndpointsManifest = EndpointsManifests.FirstOrDefault()?.GetMetadata("FullPath"),
            HeadersFromEndpoints = HeadersFromEndpoints,
        });
        foreach (var diagnostic in result.Diagnostics)
        {
            Log.LogDiagnostic(diagnostic);
        }

        foreach (var detail in result.Details)
        {
            Log.LogMessage(MessageImportance.Low, detail);
        }

        Files = result.Files.Select(ToItem).ToArray();
        return result.Succeeded;
    }

    private static RuleSetting ToRule(ITaskItem item) => new(
        item.ItemSpec,
        item.GetMetadata("Pattern"),
        item.Headers(),
        item.Metadata("Exclude"),
        item.Metadata("EntryFile"));

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
}
