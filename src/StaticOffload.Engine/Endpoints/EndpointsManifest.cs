using System.Text.Json;

namespace StaticOffload.Endpoints;

/// <summary>
/// The headers ASP.NET Core would send for one file of the web root.
/// </summary>
/// <param name="CacheControl">Cache-Control as the framework sends it (<c>no-cache</c> for a name that does not change
/// with the content, <c>max-age=31536000, immutable</c> for a fingerprinted one).</param>
/// <param name="ContentType">For a <c>.br</c>/<c>.gz</c> file, the type of the original: a browser that received
/// <c>application/gzip</c> would download the file instead of decoding it.</param>
/// <param name="Immutable">Whether the name changes with the content, so caches may keep the file forever.</param>
/// <param name="ContentEncoding"><c>br</c>/<c>gzip</c> for a precompressed file, null otherwise.</param>
public sealed record EndpointHeaders(string? CacheControl, string? ContentType, bool Immutable, string? ContentEncoding = null);

/// <summary>One endpoint of the manifest: a URL (Route) served from a file (AssetFile) under conditions (Selectors).</summary>
public sealed record ManifestEndpoint(
    string Route,
    string AssetFile,
    IReadOnlyList<KeyValuePair<string, string>> Selectors,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    IReadOnlyList<KeyValuePair<string, string>> Properties)
{
    /// <summary>The first value of a header; names are case-insensitive in HTTP.</summary>
    public string? Header(string name) => First(ResponseHeaders, name);

    /// <summary>The value of a selector; names are request header names, so case-insensitive too.</summary>
    public string? Selector(string name) => First(Selectors, name);

    private static string? First(IReadOnlyList<KeyValuePair<string, string>> pairs, string name) =>
        pairs.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// The <c>&lt;Project&gt;.staticwebassets.endpoints.json</c> that publish writes next to a web project's output. It
/// holds the headers the framework itself decided for every static file, by the same SDK that fingerprinted the
/// files, so a bucket that serves them can agree with what <c>MapStaticAssets</c> would have served.
/// </summary>
public sealed class EndpointsManifest
{
    private const string ContentEncoding = "Content-Encoding";

    // Case-insensitive names: the SDK writes PascalCase today, and a tolerant reader costs nothing. Unknown members
    // are skipped by default, so a newer SDK that adds fields still loads.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private EndpointsManifest(int version, string? manifestType, IReadOnlyList<ManifestEndpoint> endpoints)
    {
        Version = version;
        ManifestType = manifestType;
        Endpoints = endpoints;
    }

    /// <summary>1 as the .NET 10 SDK writes it. Not checked: a newer format that keeps these members still reads.</summary>
    public int Version { get; }

    /// <summary><c>Build</c> or <c>Publish</c>; only the publish manifest describes the files that publish writes.</summary>
    public string? ManifestType { get; }

    public IReadOnlyList<ManifestEndpoint> Endpoints { get; }

    /// <exception cref="FormatException">The file is not JSON or not an endpoints manifest.</exception>
    public static EndpointsManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Parse(stream);
        }
        catch (FormatException ex)
        {
            // The message ends up in a build log; without the path it would not say which project's manifest is broken.
            throw new FormatException($"{path}: {ex.Message}", ex.InnerException);
        }
    }

    /// <exception cref="FormatException">The stream is not JSON or not an endpoints manifest.</exception>
    public static EndpointsManifest Parse(Stream stream)
    {
        ManifestDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ManifestDto>(stream, JsonOptions);
        }
        catch (JsonException ex)
        {
            // JsonException's message already names the line and byte.
            throw new FormatException($"Not a valid static web assets endpoints manifest: {ex.Message}", ex);
        }

        // A file without an Endpoints array is another manifest (e.g. staticwebassets.publish.json): reading it as
        // "no endpoints" would silently drop every framework header, so say so instead.
        if (dto?.Endpoints is null)
        {
            throw new FormatException("Not a static web assets endpoints manifest: it has no \"Endpoints\" array.");
        }

        var endpoints = new List<ManifestEndpoint>(dto.Endpoints.Length);
        for (var i = 0; i < dto.Endpoints.Length; i++)
        {
            var e = dto.Endpoints[i];
            if (e is null || string.IsNullOrEmpty(e.Route) || string.IsNullOrEmpty(e.AssetFile))
            {
                throw new FormatException($"Endpoint #{i + 1} of the static web assets endpoints manifest has no Route or AssetFile.");
            }

            endpoints.Add(new ManifestEndpoint(
                NormalizePath(e.Route), NormalizePath(e.AssetFile), Pairs(e.Selectors), Pairs(e.ResponseHeaders), Pairs(e.EndpointProperties)));
        }

        return new EndpointsManifest(dto.Version, dto.ManifestType, endpoints);
    }

    /// <summary>
    /// The headers for each file, keyed by its path relative to the web root (forward slashes, as AssetFile gives it),
    /// which is also its key in the bucket under the prefix.
    /// </summary>
    /// <remarks>
    /// A file has many endpoints: its own path, a fingerprinted alias (<c>app.nk9bgqz024.css</c> → <c>app.css</c>,
    /// immutable) and, served from its <c>.br</c>/<c>.gz</c> siblings, content-negotiated variants of both. S3 serves
    /// a file only at its own key and negotiates nothing, so the one endpoint that matches what a browser gets from
    /// the bucket is the one whose Route is the file's own path, without a Content-Encoding selector. Taking any
    /// other would be wrong: the alias would mark a non-fingerprinted <c>app.css</c> immutable (stale for a year after
    /// a deploy), and a variant would give <c>app.css</c> a Content-Encoding its bytes do not have. Files with no
    /// such endpoint are left out, so the caller falls back to its own rules for them.
    /// </remarks>
    public IReadOnlyDictionary<string, EndpointHeaders> HeadersByAssetPath()
    {
        var result = new Dictionary<string, EndpointHeaders>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints)
        {
            // First wins: the SDK lists endpoints sorted by route, so a repeated entry is a duplicate, not a correction.
            if (endpoint.Route == endpoint.AssetFile && endpoint.Selector(ContentEncoding) is null)
            {
                result.TryAdd(endpoint.AssetFile, ToHeaders(endpoint, endpoint.Header(ContentEncoding)));
            }
        }

        // The SDK of .NET 10 gives every .br/.gz file a route of its own. Should one lack it, the variant served at the
        // original's own path carries the same type, caching and encoding, and is the next best answer.
        foreach (var endpoint in Endpoints)
        {
            var encoding = endpoint.Selector(ContentEncoding);
            if (encoding is not null && !result.ContainsKey(endpoint.AssetFile)
                && endpoint.Route == WithoutCompressionExtension(endpoint.AssetFile))
            {
                result.Add(endpoint.AssetFile, ToHeaders(endpoint, endpoint.Header(ContentEncoding) ?? encoding));
            }
        }

        return result;
    }

    private static EndpointHeaders ToHeaders(ManifestEndpoint endpoint, string? contentEncoding)
    {
        var cacheControl = endpoint.Header("Cache-Control");
        return new EndpointHeaders(cacheControl, endpoint.Header("Content-Type"), IsImmutable(cacheControl), contentEncoding);
    }

    private static bool IsImmutable(string? cacheControl) =>
        (cacheControl ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(d => string.Equals(d, "immutable", StringComparison.OrdinalIgnoreCase));

    private static string? WithoutCompressionExtension(string path) =>
        path.EndsWith(".br", StringComparison.OrdinalIgnoreCase) ? path[..^3]
        : path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3]
        : null;

    // Routes and asset files are URL-relative today ("css/app.css"); a leading slash or a Windows separator from a
    // hand-edited or future manifest must not make a file miss its own endpoint.
    private static string NormalizePath(string path) => Files.RelativePaths.File(path);

    private static KeyValuePair<string, string>[] Pairs(NameValueDto?[]? pairs) =>
        (pairs ?? [])
            .Where(p => !string.IsNullOrEmpty(p?.Name))
            .Select(p => KeyValuePair.Create(p!.Name!, p.Value ?? ""))
            .ToArray();

    private sealed class ManifestDto
    {
        public int Version { get; set; }
        public string? ManifestType { get; set; }
        public EndpointDto?[]? Endpoints { get; set; }
    }

    private sealed class EndpointDto
    {
        public string? Route { get; set; }
        public string? AssetFile { get; set; }
        public NameValueDto?[]? Selectors { get; set; }
        public NameValueDto?[]? ResponseHeaders { get; set; }
        public NameValueDto?[]? EndpointProperties { get; set; }
    }

    // Selectors also carry a Quality, used only for negotiation, which S3 does not do.
    private sealed class NameValueDto
    {
        public string? Name { get; set; }
        public string? Value { get; set; }
    }
}
