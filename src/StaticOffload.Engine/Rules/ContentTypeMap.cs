namespace StaticOffload.Rules;

/// <summary>A content-type mapping from the SDK's <c>StaticWebAssetContentTypeMapping</c> items (or a user's).</summary>
public sealed record ContentTypeMapping(string ContentType, Glob Pattern, int Priority);

/// <summary>
/// Picks a Content-Type for a key. Web projects hand in the SDK's own mappings so an object in the bucket is typed
/// exactly as ASP.NET Core would serve the same file; the built-in table covers projects without the web SDK and the
/// common types the SDK keeps inside its task rather than in items.
/// </summary>
public sealed class ContentTypeMap
{
    public const string Fallback = "application/octet-stream";

    private static readonly Dictionary<string, string> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html",
        [".htm"] = "text/html",
        [".css"] = "text/css",
        [".js"] = "text/javascript",
        [".mjs"] = "text/javascript",
        [".cjs"] = "text/javascript",
        [".map"] = "application/json",
        [".json"] = "application/json",
        [".webmanifest"] = "application/manifest+json",
        [".xml"] = "text/xml",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".csv"] = "text/csv",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".ico"] = "image/x-icon",
        [".bmp"] = "image/bmp",
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf",
        [".otf"] = "font/otf",
        [".eot"] = "application/vnd.ms-fontobject",
        [".wasm"] = "application/wasm",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mp3"] = "audio/mpeg",
        [".wav"] = "audio/wav",
        [".ogg"] = "audio/ogg",
        [".dat"] = "application/octet-stream",
        [".blat"] = "application/octet-stream",
        [".dll"] = "application/octet-stream",
    };

    private readonly IReadOnlyList<ContentTypeMapping> _mappings;

    public ContentTypeMap(IEnumerable<ContentTypeMapping>? mappings = null)
    {
        // Highest priority first, as the SDK's DefineStaticWebAssetEndpoints tries them; stable for equal priority.
        _mappings = (mappings ?? []).Select((m, i) => (m, i))
            .OrderByDescending(x => x.m.Priority)
            .ThenBy(x => x.i)
            .Select(x => x.m)
            .ToArray();
    }

    public string Resolve(string relativePath)
    {
        foreach (var mapping in _mappings)
        {
            if (mapping.Pattern.IsMatch(relativePath))
            {
                return mapping.ContentType;
            }
        }

        return BuiltIn.TryGetValue(Path.GetExtension(relativePath), out var type) ? type : Fallback;
    }
}
