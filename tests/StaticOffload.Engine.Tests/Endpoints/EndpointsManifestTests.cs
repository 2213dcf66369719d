using System.Text;
using StaticOffload.Endpoints;

namespace StaticOffload.Tests.Endpoints;

public sealed class EndpointsManifestTests
{
    // Trimmed from the publish manifest of samples/BlazorWasm (.NET SDK 10.0.401), endpoints kept verbatim and in the
    // SDK's order: a _framework file fingerprinted on disk with its plain-name alias and a brotli variant, a css file
    // with its fingerprinted alias and a gzip variant, an image whose fingerprinted alias sorts before it, and
    // index.html. The route of index.html.br itself is left out, so that file exercises the fallback to its variant.
    private const string BlazorManifest = """
        {
          "Version": 1,
          "ManifestType": "Publish",
          "Endpoints": [
            {
              "Route": "_framework/System.Linq.d9syuk1fel.wasm",
              "AssetFile": "_framework/System.Linq.d9syuk1fel.wasm.br",
              "Selectors": [
                { "Name": "Content-Encoding", "Value": "br", "Quality": "0.000084767314" }
              ],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=31536000, immutable" },
                { "Name": "Content-Encoding", "Value": "br" },
                { "Name": "Content-Length", "Value": "11796" },
                { "Name": "Content-Type", "Value": "application/wasm" },
                { "Name": "ETag", "Value": "\"4eftpUFSd3LiI5yjne8E3GRD6B/MT77JO3TQ6XejFUU=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:54:01 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "fingerprint", "Value": "d9syuk1fel" },
                { "Name": "integrity", "Value": "sha256-b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=" },
                { "Name": "label", "Value": "_framework/System.Linq.wasm" },
                { "Name": "original-resource", "Value": "\"b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=\"" }
              ]
            },
            {
              "Route": "_framework/System.Linq.d9syuk1fel.wasm",
              "AssetFile": "_framework/System.Linq.d9syuk1fel.wasm",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=31536000, immutable" },
                { "Name": "Content-Length", "Value": "27925" },
                { "Name": "Content-Type", "Value": "application/wasm" },
                { "Name": "ETag", "Value": "\"b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:53:57 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "fingerprint", "Value": "d9syuk1fel" },
                { "Name": "integrity", "Value": "sha256-b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=" },
                { "Name": "label", "Value": "_framework/System.Linq.wasm" }
              ]
            },
            {
              "Route": "_framework/System.Linq.d9syuk1fel.wasm.br",
              "AssetFile": "_framework/System.Linq.d9syuk1fel.wasm.br",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=31536000, immutable" },
                { "Name": "Content-Encoding", "Value": "br" },
                { "Name": "Content-Length", "Value": "11796" },
                { "Name": "Content-Type", "Value": "application/wasm" },
                { "Name": "ETag", "Value": "\"4eftpUFSd3LiI5yjne8E3GRD6B/MT77JO3TQ6XejFUU=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:54:01 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "fingerprint", "Value": "d9syuk1fel" },
                { "Name": "integrity", "Value": "sha256-4eftpUFSd3LiI5yjne8E3GRD6B/MT77JO3TQ6XejFUU=" },
                { "Name": "label", "Value": "_framework/System.Linq.wasm.br" }
              ]
            },
            {
              "Route": "_framework/System.Linq.wasm",
              "AssetFile": "_framework/System.Linq.d9syuk1fel.wasm",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Length", "Value": "27925" },
                { "Name": "Content-Type", "Value": "application/wasm" },
                { "Name": "ETag", "Value": "\"b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:53:57 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-b75qzYt4g1G9/V5Trx9zH1n/j5EH0CGLIRrARjUOwmI=" }
              ]
            },
            {
              "Route": "css/app.css",
              "AssetFile": "css/app.css.gz",
              "Selectors": [
                { "Name": "Content-Encoding", "Value": "gzip", "Quality": "0.000493339911" }
              ],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Encoding", "Value": "gzip" },
                { "Name": "Content-Length", "Value": "2026" },
                { "Name": "Content-Type", "Value": "text/css" },
                { "Name": "ETag", "Value": "\"ap35qlbHZ4IbXC5KyvKhhrNDvPNAEw3UTd/ITwCccps=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:53:49 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=" },
                { "Name": "original-resource", "Value": "\"yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=\"" }
              ]
            },
            {
              "Route": "css/app.css",
              "AssetFile": "css/app.css",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Length", "Value": "4172" },
                { "Name": "Content-Type", "Value": "text/css" },
                { "Name": "ETag", "Value": "\"yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:52:39 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=" }
              ]
            },
            {
              "Route": "css/app.css.gz",
              "AssetFile": "css/app.css.gz",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Encoding", "Value": "gzip" },
                { "Name": "Content-Length", "Value": "2026" },
                { "Name": "Content-Type", "Value": "text/css" },
                { "Name": "ETag", "Value": "\"ap35qlbHZ4IbXC5KyvKhhrNDvPNAEw3UTd/ITwCccps=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:53:49 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-ap35qlbHZ4IbXC5KyvKhhrNDvPNAEw3UTd/ITwCccps=" }
              ]
            },
            {
              "Route": "css/app.nk9bgqz024.css",
              "AssetFile": "css/app.css",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=31536000, immutable" },
                { "Name": "Content-Length", "Value": "4172" },
                { "Name": "Content-Type", "Value": "text/css" },
                { "Name": "ETag", "Value": "\"yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:52:39 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "fingerprint", "Value": "nk9bgqz024" },
                { "Name": "integrity", "Value": "sha256-yRJ49z3y3rHi/X6jpbhaZS6+RJBCP3/2qRNriPwlJ3c=" },
                { "Name": "label", "Value": "css/app.css" }
              ]
            },
            {
              "Route": "favicon.ifv42okdf2.png",
              "AssetFile": "favicon.png",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=31536000, immutable" },
                { "Name": "Content-Length", "Value": "1148" },
                { "Name": "Content-Type", "Value": "image/png" },
                { "Name": "ETag", "Value": "\"4mWsDy3aHl36ZbGt8zByK7Pvd4kRUoNgTYzRnwmPHwg=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:52:39 GMT" }
              ],
              "EndpointProperties": [
                { "Name": "fingerprint", "Value": "ifv42okdf2" },
                { "Name": "integrity", "Value": "sha256-4mWsDy3aHl36ZbGt8zByK7Pvd4kRUoNgTYzRnwmPHwg=" },
                { "Name": "label", "Value": "favicon.png" }
              ]
            },
            {
              "Route": "favicon.png",
              "AssetFile": "favicon.png",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "max-age=3600, must-revalidate" },
                { "Name": "Content-Length", "Value": "1148" },
                { "Name": "Content-Type", "Value": "image/png" },
                { "Name": "ETag", "Value": "\"4mWsDy3aHl36ZbGt8zByK7Pvd4kRUoNgTYzRnwmPHwg=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:52:39 GMT" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-4mWsDy3aHl36ZbGt8zByK7Pvd4kRUoNgTYzRnwmPHwg=" }
              ]
            },
            {
              "Route": "index.html",
              "AssetFile": "index.html.br",
              "Selectors": [
                { "Name": "Content-Encoding", "Value": "br", "Quality": "0.001404494382" }
              ],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Encoding", "Value": "br" },
                { "Name": "Content-Length", "Value": "711" },
                { "Name": "Content-Type", "Value": "text/html" },
                { "Name": "ETag", "Value": "\"juxRj9Y20Qvu+FDb+LSPfHO//9dBIOvunmoFs9QAmk0=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:54:19 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-NeYtcqyNX/qgIvOQuyOaDsHiZNASRDbuiKv5Wo7WsZk=" },
                { "Name": "original-resource", "Value": "\"NeYtcqyNX/qgIvOQuyOaDsHiZNASRDbuiKv5Wo7WsZk=\"" }
              ]
            },
            {
              "Route": "index.html",
              "AssetFile": "index.html",
              "Selectors": [],
              "ResponseHeaders": [
                { "Name": "Cache-Control", "Value": "no-cache" },
                { "Name": "Content-Length", "Value": "2372" },
                { "Name": "Content-Type", "Value": "text/html" },
                { "Name": "ETag", "Value": "\"NeYtcqyNX/qgIvOQuyOaDsHiZNASRDbuiKv5Wo7WsZk=\"" },
                { "Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:53:58 GMT" },
                { "Name": "Vary", "Value": "Accept-Encoding" }
              ],
              "EndpointProperties": [
                { "Name": "integrity", "Value": "sha256-NeYtcqyNX/qgIvOQuyOaDsHiZNASRDbuiKv5Wo7WsZk=" }
              ]
            }
          ]
        }
        """;

    // From the publish manifest of samples/WebApp: routes are paths as on disk, not URL-encoded.
    private const string WebAppManifest = """
        {"Version": 1, "ManifestType": "Publish", "Endpoints": [
        {"Route": "docs/nested/a+b #1 100%.txt", "AssetFile": "docs/nested/a+b #1 100%.txt", "Selectors": [], "ResponseHeaders": [{"Name": "Cache-Control", "Value": "no-cache"}, {"Name": "Content-Length", "Value": "68"}, {"Name": "Content-Type", "Value": "text/plain"}, {"Name": "ETag", "Value": "\"tUH0DQGJpN+rTh+zph3NV+iP8WOdPZ4pZFs7xLRmNpc=\""}, {"Name": "Last-Modified", "Value": "Wed, 25 Nov 2026 09:34:34 GMT"}, {"Name": "Vary", "Value": "Accept-Encoding"}], "EndpointProperties": [{"Name": "integrity", "Value": "sha256-tUH0DQGJpN+rTh+zph3NV+iP8WOdPZ4pZFs7xLRmNpc="}]}
        ]}
        """;

    private static EndpointsManifest Parse(string json) => EndpointsManifest.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static IReadOnlyDictionary<string, EndpointHeaders> BlazorHeaders() => Parse(BlazorManifest).HeadersByAssetPath();

    [Fact]
    public void Manifest_loads_every_endpoint_with_its_selectors_headers_and_properties()
    {
        var manifest = Parse(BlazorManifest);

        Assert.Equal(1, manifest.Version);
        Assert.Equal("Publish", manifest.ManifestType);
        Assert.Equal(12, manifest.Endpoints.Count);
        var variant = manifest.Endpoints[0];
        Assert.Equal("_framework/System.Linq.d9syuk1fel.wasm", variant.Route);
        Assert.Equal("_framework/System.Linq.d9syuk1fel.wasm.br", variant.AssetFile);
        Assert.Equal("br", variant.Selector("content-encoding"));
        Assert.Equal("\"4eftpUFSd3LiI5yjne8E3GRD6B/MT77JO3TQ6XejFUU=\"", variant.Header("ETag"));
        Assert.Contains(KeyValuePair.Create("fingerprint", "d9syuk1fel"), variant.Properties);
    }

    [Fact]
    public void Non_fingerprinted_file_gets_no_cache_from_its_own_route_not_from_its_fingerprinted_alias()
    {
        // css/app.nk9bgqz024.css serves the same file immutable, but the bucket has it only as css/app.css.
        Assert.Equal(new EndpointHeaders("no-cache", "text/css", Immutable: false), BlazorHeaders()["css/app.css"]);
    }

    [Fact]
    public void File_fingerprinted_on_disk_is_immutable_although_its_plain_name_alias_is_no_cache()
    {
        Assert.Equal(
            new EndpointHeaders("max-age=31536000, immutable", "application/wasm", Immutable: true),
            BlazorHeaders()["_framework/System.Linq.d9syuk1fel.wasm"]);
    }

    [Fact]
    public void Fingerprinted_alias_listed_before_the_file_does_not_make_it_immutable()
    {
        // favicon.ifv42okdf2.png sorts before favicon.png, so "first endpoint of the file" would be the wrong rule.
        Assert.Equal(new EndpointHeaders("max-age=3600, must-revalidate", "image/png", Immutable: false), BlazorHeaders()["favicon.png"]);
    }

    [Theory]
    [InlineData("index.html", "text/html", "no-cache")]
    [InlineData("css/app.css", "text/css", "no-cache")]
    [InlineData("_framework/System.Linq.d9syuk1fel.wasm", "application/wasm", "max-age=31536000, immutable")]
    public void Compressed_variant_served_at_the_same_route_does_not_override_the_uncompressed_file(string path, string contentType, string cacheControl)
    {
        // In the manifest each variant (same route, AssetFile .br/.gz, Content-Encoding selector) comes before the file.
        var headers = BlazorHeaders()[path];

        Assert.Null(headers.ContentEncoding);
        Assert.Equal(contentType, headers.ContentType);
        Assert.Equal(cacheControl, headers.CacheControl);
    }

    [Theory]
    [InlineData("css/app.css.gz", "no-cache", "text/css", false, "gzip")]
    [InlineData("_framework/System.Linq.d9syuk1fel.wasm.br", "max-age=31536000, immutable", "application/wasm", true, "br")]
    public void Compressed_file_gets_the_headers_of_its_own_route_typed_as_the_original(
        string path, string cacheControl, string contentType, bool immutable, string encoding)
    {
        Assert.Equal(new EndpointHeaders(cacheControl, contentType, immutable, encoding), BlazorHeaders()[path]);
    }

    [Fact]
    public void Compressed_file_without_a_route_of_its_own_takes_the_variant_served_at_the_original_path()
    {
        Assert.Equal(new EndpointHeaders("no-cache", "text/html", Immutable: false, "br"), BlazorHeaders()["index.html.br"]);
    }

    [Fact]
    public void Only_files_are_keys_never_alias_routes()
    {
        Assert.Equal(
            [
                "_framework/System.Linq.d9syuk1fel.wasm",
                "_framework/System.Linq.d9syuk1fel.wasm.br",
                "css/app.css",
                "css/app.css.gz",
                "favicon.png",
                "index.html",
                "index.html.br",
            ],
            BlazorHeaders().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Keys_are_paths_as_on_disk_not_url_encoded()
    {
        var headers = Parse(WebAppManifest).HeadersByAssetPath();

        Assert.Equal(new EndpointHeaders("no-cache", "text/plain", Immutable: false), headers["docs/nested/a+b #1 100%.txt"]);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var json = """
            {
              "Version": 2,
              "ManifestType": "Publish",
              "Generator": { "Name": "a future SDK", "Flags": [1, 2] },
              "Endpoints": [
                {
                  "Route": "css/app.css",
                  "AssetFile": "css/app.css",
                  "Order": 3,
                  "Selectors": [],
                  "ResponseHeaders": [
                    { "Name": "Cache-Control", "Value": "no-cache", "Source": "default" },
                    { "Name": "Content-Type", "Value": "text/css" }
                  ],
                  "EndpointProperties": [],
                  "Metadata": { "Anything": null }
                }
              ]
            }
            """;

        Assert.Equal(new EndpointHeaders("no-cache", "text/css", Immutable: false), Parse(json).HeadersByAssetPath()["css/app.css"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"Version": 1, "Endpoints": [ {"Route": "a.css", "AssetFile": "a.css" """)]
    [InlineData("""{"Version": 1, "Endpoints": {"Route": "a.css"}}""")]
    [InlineData("""{"Version": 1, "Endpoints": [{"Route": 5, "AssetFile": "a.css"}]}""")]
    [InlineData("""{"Version": 1, "ManifestType": "Publish", "Assets": []}""")]
    [InlineData("""{"Version": 1, "Endpoints": [{"Route": "a.css"}]}""")]
    [InlineData("null")]
    public void Malformed_manifest_is_a_format_exception(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    [Fact]
    public void Load_names_the_file_in_its_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"so-endpoints-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"Endpoints\": [");
        try
        {
            var error = Assert.Throws<FormatException>(() => EndpointsManifest.Load(path));
            Assert.StartsWith(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_reads_a_manifest_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"so-endpoints-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, BlazorManifest);
        try
        {
            Assert.Equal(7, EndpointsManifest.Load(path).HeadersByAssetPath().Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
