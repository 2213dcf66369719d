using StaticOffload.Diagnostics;
using StaticOffload.Settings;
using StaticOffload.Sync;

namespace StaticOffload.Tests.Settings;

public class SyncRequestBuilderTests
{
    private static readonly SyncSettings Minimal = new("obj/snapshot.json") { Bucket = "my-site-assets" };

    private static SyncRequest Build(SyncSettings settings, Func<string, string?>? environment = null)
    {
        var (request, diagnostics) = SyncRequestBuilder.Build(settings, environment ?? (_ => null));
        Assert.Empty(diagnostics);
        return Assert.IsType<SyncRequest>(request);
    }

    private static Diagnostic Fails(SyncSettings settings)
    {
        var (request, diagnostics) = SyncRequestBuilder.Build(settings, _ => null);
        Assert.Null(request);
        return Assert.Single(diagnostics);
    }

    [Fact]
    public void Unset_properties_take_the_package_defaults()
    {
        var request = Build(Minimal);

        Assert.Equal(Defaults.MaxDeletes, request.MaxDeletes);
        Assert.Equal(Defaults.Concurrency, request.Concurrency);
        Assert.Equal(Defaults.Concurrency, request.Destination.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(Defaults.TimeoutSeconds), request.Destination.Timeout);
        Assert.Equal(Defaults.InvalidationMaxPaths, request.InvalidationMaxPaths);
        Assert.True(request.DeleteRemoved);
        Assert.True(request.RemoteState);
        Assert.Equal((0, TimeSpan.Zero), (request.DeleteAfterDeploys, request.DeleteAfterAge));
        Assert.Equal("", request.Destination.Prefix);
        Assert.Equal((false, true, true, true, true, null), (request.Destination.ForcePathStyle, request.Destination.ChunkedUploads,
            request.Destination.ServerSideCopy, request.Destination.SupportsAcl, request.Destination.SupportsRedirects,
            request.Destination.SigningRegion));
        Assert.Equal(Path.GetFullPath("obj/snapshot.json"), request.SnapshotPath);
        Assert.Null(request.ReportPath);
        Assert.Null(request.MarkdownSummaryPath);
        Assert.Null(request.StateKey);
        Assert.Null(request.Destination.StateBucket);
    }

    [Fact]
    public void The_defaults_are_those_a_request_built_in_code_has()
    {
        var built = Build(Minimal);
        var direct = new SyncRequest { Files = [], Destination = new() { Bucket = "my-site-assets" }, SnapshotPath = built.SnapshotPath };

        Assert.Equal((direct.MaxDeletes, direct.Concurrency, direct.DeleteRemoved, direct.RemoteState, direct.InvalidationMaxPaths),
            (built.MaxDeletes, built.Concurrency, built.DeleteRemoved, built.RemoteState, built.InvalidationMaxPaths));
        Assert.Equal((direct.Destination.Timeout, direct.Destination.MaxConnections), (built.Destination.Timeout, built.Destination.MaxConnections));
    }

    public static TheoryData<string, Func<SyncSettings, SyncSettings>, Func<SyncRequest, object>, object> Parsed => new()
    {
        { "MaxDeletes", s => s with { MaxDeletes = " 5 " }, r => r.MaxDeletes, 5 },
        { "MaxDeletes 0", s => s with { MaxDeletes = "0" }, r => r.MaxDeletes, 0 },
        { "Concurrency", s => s with { Concurrency = "8" }, r => (r.Concurrency, r.Destination.MaxConnections), (8, 8) },
        { "Timeout", s => s with { Timeout = "5" }, r => r.Destination.Timeout, TimeSpan.FromSeconds(5) },
        { "DeleteAfterDeploys", s => s with { DeleteAfterDeploys = "3" }, r => r.DeleteAfterDeploys, 3 },
        { "DeleteAfterHours", s => s with { DeleteAfterHours = "48" }, r => r.DeleteAfterAge, TimeSpan.FromHours(48) },
        { "InvalidationMaxPaths", s => s with { InvalidationMaxPaths = "100" }, r => r.InvalidationMaxPaths, 100 },
        { "Prefix", s => s with { Prefix = " site/v1 " }, r => r.Destination.Prefix, "site/v1/" },
        { "Bucket", s => s with { Bucket = " my-site-assets " }, r => r.Destination.Bucket, "my-site-assets" },
        { "Region", s => s with { Region = " eu-west-1 " }, r => r.Destination.Region!, "eu-west-1" },
        { "Profile", s => s with { Profile = "deploy" }, r => r.Destination.Profile!, "deploy" },
        { "StateKey", s => s with { StateKey = " state/site.json.gz " }, r => r.StateKey!, "state/site.json.gz" },
        { "StateBucket", s => s with { StateBucket = "my-state" }, r => r.Destination.StateBucket!, "my-state" },
        { "ForcePathStyle", s => s with { ForcePathStyle = "True" }, r => r.Destination.ForcePathStyle, true },
        { "ChunkedUploads", s => s with { ChunkedUploads = "false" }, r => r.Destination.ChunkedUploads, false },
        { "ServerSideCopy", s => s with { ServerSideCopy = "false" }, r => r.Destination.Capabilities, global::StaticOffload.Planning.StoreCapabilities.NoCopy },
        { "Switches", s => s with { Delete = false, DryRun = true, Verify = true, AllowShrink = true, AllowRootDelete = true, RemoteState = false },
            r => (r.DeleteRemoved, r.DryRun, r.Verify, r.AllowShrink, r.AllowRootDelete, r.RemoteState), (false, true, true, true, true, false) },
        { "ReportFile", s => s with { ReportFile = "obj/report.json" }, r => r.ReportPath!, Path.GetFullPath("obj/report.json") },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Each_property_is_parsed_into_the_request(string property, Func<SyncSettings, SyncSettings> set, Func<SyncRequest, object> read, object expected)
    {
        Assert.NotNull(property);
        Assert.Equal(expected, read(Build(set(Minimal))));
    }

    public static TheoryData<Func<SyncSettings, SyncSettings>, string> Invalid => new()
    {
        { s => s with { MaxDeletes = "many" }, "StaticOffloadMaxDeletes is 'many'; it must be a whole number." },
        { s => s with { Concurrency = "4.5" }, "StaticOffloadConcurrency is '4.5'; it must be a whole number." },
        { s => s with { Timeout = "60s" }, "StaticOffloadTimeout is '60s'; it must be a whole number." },
        { s => s with { Timeout = "0" }, "StaticOffloadTimeout is '0'; it is the number of seconds the endpoint may stay silent, 1 or more (default 60)." },
        { s => s with { Timeout = "-1" }, "1 or more (default 60)" },
        { s => s with { DeleteAfterDeploys = "two" }, "StaticOffloadDeleteAfterDeploys is 'two'; it must be a whole number." },
        { s => s with { DeleteAfterHours = "1d" }, "StaticOffloadDeleteAfterHours is '1d'; it must be a whole number." },
        { s => s with { DeleteAfterDeploys = "-1" }, "StaticOffloadDeleteAfterDeploys and StaticOffloadDeleteAfterHours must be 0 or more." },
        { s => s with { DeleteAfterHours = "-1" }, "StaticOffloadDeleteAfterDeploys and StaticOffloadDeleteAfterHours must be 0 or more." },
        { s => s with { InvalidationMaxPaths = "all" }, "StaticOffloadInvalidationMaxPaths is 'all'; it must be a whole number." },
        { s => s with { ForcePathStyle = "yes" }, "StaticOffloadForcePathStyle is 'yes'; use true or false." },
        { s => s with { ChunkedUploads = "1" }, "StaticOffloadChunkedUploads is '1'; use true or false." },
        { s => s with { ServerSideCopy = "no" }, "StaticOffloadServerSideCopy is 'no'; use true or false." },
        { s => s with { Provider = "GCS" }, "StaticOffloadProvider is 'GCS'; use one of: AWS, R2, MinIO, B2, Compatible." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_value_that_does_not_parse_fails_with_SO1015_naming_the_property(Func<SyncSettings, SyncSettings> set, string message)
    {
        var problem = Fails(set(Minimal));

        Assert.Equal((DiagnosticSeverity.Error, Messages.InvalidPropertyCode), (problem.Severity, problem.Code));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_value_is_reported_in_one_run()
    {
        var (request, diagnostics) = SyncRequestBuilder.Build(
            Minimal with { MaxDeletes = "x", Timeout = "y", Prefix = "/site", Provider = "nope" }, _ => null);

        Assert.Null(request);
        Assert.Equal(["SO1003", "SO1015", "SO1015", "SO1015"], diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_invalid_prefix_fails_with_SO1003()
    {
        Assert.Equal(Messages.InvalidPrefixCode, Fails(Minimal with { Prefix = @"site\v1" }).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("My_Bucket")]
    public void The_bucket_is_left_to_the_engine_validator_so_it_is_checked_once(string? bucket)
    {
        var request = Build(Minimal with { Bucket = bucket });

        var problem = Assert.Single(RequestValidator.Validate(request));
        Assert.Equal(bucket == "My_Bucket" ? Messages.InvalidBucketNameCode : Messages.MissingBucketCode, problem.Code);
    }

    public static TheoryData<string?, string?, string?, (bool PathStyle, bool Chunked, bool Copy, bool Acl, bool Redirects, string? SigningRegion)> Presets => new()
    {
        { null, null, null, (false, true, true, true, true, null) },
        { "aws", null, null, (false, true, true, true, true, null) },
        { "R2", null, null, (true, false, true, false, false, "auto") },
        { "MinIO", null, null, (true, false, true, false, true, "us-east-1") },
        { "B2", "https://s3.eu-central-003.backblazeb2.com", null, (true, false, false, false, true, "eu-central-003") },
        { "Compatible", null, null, (true, false, false, true, true, "us-east-1") },
        // An explicit setting wins over the preset.
        { "R2", null, "false", (false, false, true, false, false, "auto") },
        // A local endpoint cannot take virtual-hosted addressing, even under the AWS preset.
        { null, "http://127.0.0.1:9000", null, (true, true, true, true, true, null) },
        { null, "http://127.0.0.1:9000", "false", (false, true, true, true, true, null) },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void The_provider_preset_fills_in_what_the_user_did_not_set(string? provider, string? serviceUrl, string? forcePathStyle,
        (bool PathStyle, bool Chunked, bool Copy, bool Acl, bool Redirects, string? SigningRegion) expected)
    {
        var d = Build(Minimal with { Provider = provider, ServiceUrl = serviceUrl, ForcePathStyle = forcePathStyle }).Destination;

        Assert.Equal(expected, (d.ForcePathStyle, d.ChunkedUploads, d.ServerSideCopy, d.SupportsAcl, d.SupportsRedirects, d.SigningRegion));
    }

    [Fact]
    public void Explicit_chunked_uploads_and_server_side_copy_win_over_the_preset()
    {
        var d = Build(Minimal with { Provider = "B2", ChunkedUploads = "true", ServerSideCopy = "true" }).Destination;

        Assert.Equal((true, true), (d.ChunkedUploads, d.ServerSideCopy));
    }

    [Fact]
    public void Files_keep_their_metadata_and_fall_back_to_their_file_name_and_the_generic_type()
    {
        var request = Build(Minimal with
        {
            Files =
            [
                new FileSetting("/p/wwwroot/css/site.css", @"css\site.css", "site.css",
                    new(ContentType: "text/css", CacheControl: "max-age=60", StorageClass: "STANDARD_IA"), EntryFile: "false"),
                new FileSetting("/p/extra/robots.txt", "  ", "robots.txt", new(), EntryFile: "TRUE"),
            ],
        });

        var (css, robots) = (request.Files[0], request.Files[1]);
        Assert.Equal(("css/site.css", "text/css", "max-age=60", "STANDARD_IA", false), (css.RelativePath, css.Headers.ContentType,
            css.Headers.CacheControl, css.Headers.StorageClass, css.EntryFile));
        Assert.Equal(("robots.txt", global::StaticOffload.Rules.ContentTypeMap.Fallback, null, true), (robots.RelativePath, robots.Headers.ContentType,
            robots.Headers.CacheControl, robots.EntryFile));
    }

    [Fact]
    public void Redirects_become_entry_files_with_revalidated_html_headers_unless_they_set_their_own()
    {
        var request = Build(Minimal with
        {
            Redirects =
            [
                new RedirectSetting(@"\old\pricing.html", "/pricing/"),
                new RedirectSetting("old/about.html", " https://example.com/about ", "text/plain", "max-age=60"),
            ],
        });

        var (pricing, about) = (request.Files[0], request.Files[1]);
        Assert.True(pricing.IsRedirect && pricing.EntryFile);
        Assert.Equal(("old/pricing.html", "/pricing/", Defaults.RedirectContentType, Defaults.RedirectCacheControl),
            (pricing.RelativePath, pricing.Headers.RedirectLocation, pricing.Headers.ContentType, pricing.Headers.CacheControl));
        Assert.Equal(("old/about.html", "https://example.com/about", "text/plain", "max-age=60"),
            (about.RelativePath, about.Headers.RedirectLocation, about.Headers.ContentType, about.Headers.CacheControl));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("/home/runner/summary.md", "/home/runner/summary.md")]
    public void A_github_step_summary_file_receives_the_markdown_summary(string? variable, string? expected)
    {
        var request = Build(Minimal, name => name == SyncRequestBuilder.StepSummaryVariable ? variable : "unrelated");

        Assert.Equal(expected, request.MarkdownSummaryPath);
    }
}
