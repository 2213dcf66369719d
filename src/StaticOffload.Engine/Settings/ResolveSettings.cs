using StaticOffload.Rules;

namespace StaticOffload.Settings;

/// <summary>
/// What file resolution starts from, exactly as the build hands it over: item paths and metadata as text, blank for
/// "not set". <see cref="Files.FileResolver"/> parses and decides.
/// </summary>
public sealed record ResolveSettings
{
    /// <summary>%(RelativePath) of each @(ResolvedFileToPublish) item: where publish places it; blank for nowhere.</summary>
    public IReadOnlyList<string> PublishItemPaths { get; init; } = [];

    /// <summary>%(TargetPath) of each static web asset for publish.</summary>
    public IReadOnlyList<string> StaticWebAssetPaths { get; init; } = [];

    /// <summary>@(StaticOffloadExtraFile).</summary>
    public IReadOnlyList<ExtraFileSetting> ExtraFiles { get; init; } = [];

    public string PublishDir { get; init; } = "";

    /// <summary>Also take every file the publish folder holds on disk (no publish ran in this build).</summary>
    public bool ScanPublishDir { get; init; }

    /// <summary>The configuration whose publish folder <see cref="PublishDir"/> is: named when the folder is missing.</summary>
    public string? Configuration { get; init; }

    /// <summary>The build was given no configuration, so <see cref="Configuration"/> is what `dotnet publish` would use.</summary>
    public bool ConfigurationAssumed { get; init; }

    /// <summary>StaticOffloadSourceFolder: the folder of the publish output that becomes the prefix's root.</summary>
    public string? SourceFolder { get; init; }

    /// <summary>@(StaticOffloadDefaultRule): the package's rules, applied first.</summary>
    public IReadOnlyList<RuleSetting> DefaultRules { get; init; } = [];

    /// <summary>@(StaticOffloadRule).</summary>
    public IReadOnlyList<RuleSetting> Rules { get; init; } = [];

    /// <summary>@(StaticWebAssetContentTypeMapping).</summary>
    public IReadOnlyList<ContentTypeMappingSetting> ContentTypeMappings { get; init; } = [];

    /// <summary>StaticOffloadCompressedAssets: Skip (default) or Upload.</summary>
    public string? CompressedAssets { get; init; }

    /// <summary>The publish output's *.staticwebassets.endpoints.json; null when the project has none.</summary>
    public string? EndpointsManifest { get; init; }

    /// <summary>StaticOffloadEndpointHeaders.</summary>
    public bool HeadersFromEndpoints { get; init; } = Defaults.HeadersFromEndpoints;
}

/// <summary>One @(StaticOffloadExtraFile) item.</summary>
/// <param name="RelativePath">%(RelativePath): its path inside the synced folder; when not set, <paramref name="FileName"/>.</param>
/// <param name="FileName">%(Filename)%(Extension).</param>
public sealed record ExtraFileSetting(string FullPath, string? RelativePath, string FileName);

/// <summary>One @(StaticOffloadRule) or @(StaticOffloadDefaultRule) item.</summary>
/// <param name="Name">The item's Include.</param>
/// <param name="Pattern">%(Pattern): globs separated by ';'.</param>
/// <param name="Exclude">"true" to leave matching files out.</param>
/// <param name="EntryFile">"true" to upload matching files after the assets.</param>
public sealed record RuleSetting(
    string Name,
    string? Pattern,
    HeaderMetadata Headers,
    string? Exclude = null,
    string? EntryFile = null);

/// <summary>One @(StaticWebAssetContentTypeMapping) item: the SDK's own extension-to-type table.</summary>
/// <param name="ContentType">The item's Include.</param>
public sealed record ContentTypeMappingSetting(string ContentType, string? Pattern, string? Priority);
