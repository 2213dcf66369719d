using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Publish;

/// <summary>fauxqs: the faithful local server, with the SDK's default settings (provider AWS).</summary>
[Collection(SyncCollection.Name)]
public sealed class WebAppPublishTests(S3ServerFixture server, PackageFeedFixture feed) : WebAppPublishScenarios(server, feed);

/// <summary>s3rver 3.7.1 with StaticOffloadProvider=Compatible: plain bodies, no server-side copy.</summary>
[Collection(S3rverCollection.Name)]
public sealed class WebAppPublishOnS3rverTests(S3rverFixture server, PackageFeedFixture feed) : WebAppPublishScenarios(server, feed)
{
    protected override bool ServerSideCopy => false;
}

/// <summary>
/// A real `dotnet publish` of samples/WebApp, consuming the package from a local feed, into a local S3-compatible
/// server. The same scenarios run against every server the product supports.
/// </summary>
public abstract class WebAppPublishScenarios(LocalS3Server server, PackageFeedFixture feed)
{
    /// <summary>False where the provider preset applies header changes by re-uploading.</summary>
    protected virtual bool ServerSideCopy => true;

    private const string Prefix = "site/";

    /// <summary>
    /// Every static file of the sample, the Content-Type and Cache-Control it must be served with: what ASP.NET Core
    /// itself serves (the endpoints manifest), except where the project's own rule (Docs) says otherwise.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string ContentType, string CacheControl)> Expected =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["css/site.css"] = ("text/css", "no-cache"),
            ["js/app.js"] = ("text/javascript", "no-cache"),
            ["images/logo.svg"] = ("image/svg+xml", "max-age=3600, must-revalidate"),
            ["images/photo 1.png"] = ("image/png", "max-age=3600, must-revalidate"),
            ["data/config.json"] = ("application/json", "no-cache"),
            ["favicon.ico"] = ("image/x-icon", "max-age=3600, must-revalidate"),
            ["robots.txt"] = ("text/plain", "no-cache"),
            ["site.webmanifest"] = ("application/manifest+json", "no-cache"),
            ["index.html"] = ("text/html", "no-cache"),
            ["docs/guide.html"] = ("text/html", "no-cache"),
            ["docs/nested/über uns.html"] = ("text/html", "no-cache"),
            ["docs/nested/a+b #1 100%.txt"] = ("text/plain", "public, max-age=604800"),
        };

    [Fact]
    public async Task Publish_uploads_every_static_file_with_its_headers_and_no_server_file()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Publish_uploads_every_static_file_with_its_headers_and_no_server_file));

        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        Assert.Contains($"StaticOffload: s3://{bucket}/{Prefix} at {server.Endpoint} — 12 uploaded", result.Output);
        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Expected.Keys.Select(k => Prefix + k).Order(StringComparer.Ordinal), keys);
        foreach (var (relative, (contentType, cacheControl)) in Expected)
        {
            var (body, response) = await server.GetAsync(bucket, Prefix + relative);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(project.WebRoot, relative)), body);
            Assert.Equal(contentType, response.Headers.ContentType);
            Assert.True(Rules.ObjectHeaders.CacheControlEquivalent(cacheControl, response.Headers.CacheControl),
                $"{relative}: Cache-Control '{response.Headers.CacheControl}', expected '{cacheControl}'");
            Assert.Null(response.Headers.ContentEncoding);
        }
    }

    [Fact]
    public async Task Republish_with_no_changes_sends_no_request()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Republish_with_no_changes_sends_no_request));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        var before = server.RequestsTo(bucket).Count;

        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        Assert.Contains("— 0 uploaded (0 B), 0 metadata updated, 0 deleted, 12 unchanged", result.Output);
        Assert.Empty(server.RequestsTo(bucket).Since(before).All);
    }

    [Fact]
    public async Task Changing_a_file_a_rule_and_deleting_a_file_sends_exactly_those_changes_in_safe_order()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Changing_a_file_a_rule_and_deleting_a_file_sends_exactly_those_changes_in_safe_order));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        var before = server.RequestsTo(bucket).Count;

        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "css", "site.css"), "p { margin: 0; }\n");
        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "index.html"), "<!-- v2 -->\n");
        File.Delete(Path.Combine(project.WebRoot, "robots.txt"));
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace("public, max-age=604800", "public, max-age=3600"));

        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        // Without server-side copy the rule change is an upload, planned and counted as one.
        Assert.Contains(ServerSideCopy ? "— 2 uploaded" : "— 3 uploaded", result.Output);
        Assert.Contains(ServerSideCopy ? "1 metadata updated, 1 deleted, 8 unchanged" : "0 metadata updated, 1 deleted, 8 unchanged", result.Output);
        var sentWithState = server.RequestsTo(bucket).Since(before);
        // The deploy lease is the first request: it proves the endpoint and the credentials before the first change.
        Assert.Equal($"PUT {Prefix}.staticoffload/lease.json", $"{sentWithState.All[0].Method} {sentWithState.All[0].Key}");
        Assert.DoesNotContain(sentWithState.All, r => r.IsAccessCheck);
        var sent = sentWithState.WithoutState().WithoutAccessCheck().All;
        Assert.Equal(["PUT site/css/site.css", "PUT site/index.html"],
            sent.Where(r => r.IsUpload && r.Key != Prefix + "docs/nested/a+b #1 100%.txt").Select(r => $"{r.Method} {r.Key}").Order());
        var ruleChanged = Assert.Single(sent, r => r.Key == Prefix + "docs/nested/a+b #1 100%.txt");
        Assert.Equal(ServerSideCopy, ruleChanged.IsCopy);
        Assert.Equal(ServerSideCopy ? 0 : new FileInfo(Path.Combine(project.WebRoot, "docs", "nested", "a+b #1 100%.txt")).Length, ruleChanged.Bytes);
        Assert.Single(sent, r => r.IsDelete);
        Assert.Equal(4, sent.Count);

        // Assets before pages, deletions last: the page never names an asset that is not there yet.
        var order = sent.Select(r => r.IsDelete ? "delete" : r.Key).ToList();
        Assert.True(order.IndexOf(Prefix + "css/site.css") < order.IndexOf(Prefix + "index.html"));
        Assert.Equal("delete", order[^1]);
        var requests = sentWithState.All.ToList();
        Assert.True(requests.FindLastIndex(r => r.Key == Prefix + ".staticoffload/state.json.gz" && r.IsUpload) > requests.FindLastIndex(r => !r.IsState),
            "the sync state is written after the changes");

        var (_, response) = await server.GetAsync(bucket, Prefix + "docs/nested/a+b #1 100%.txt");
        Assert.True(Rules.ObjectHeaders.CacheControlEquivalent("public, max-age=3600", response.Headers.CacheControl));
        Assert.DoesNotContain(await server.ListAsync(bucket), o => o.Key == Prefix + "robots.txt");
    }

    [Fact]
    public async Task Fresh_clone_without_snapshot_uploads_nothing_already_in_the_bucket()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Fresh_clone_without_snapshot_uploads_nothing_already_in_the_bucket));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        var before = server.RequestsTo(bucket).Count;

        // A CI clone: no obj/, every file written anew.
        Directory.Delete(Path.Combine(project.Directory, "obj"), recursive: true);
        Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
        foreach (var file in Directory.EnumerateFiles(project.WebRoot, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        }

        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        Assert.Contains("— 0 uploaded (0 B), 0 metadata updated, 0 deleted, 12 unchanged", result.Output);
        var sent = server.RequestsTo(bucket).Since(before);
        Assert.Empty(sent.Uploads);
        Assert.Empty(sent.Copies);
        // The bucket's sync state vouches for every object: no HEAD per object.
        Assert.DoesNotContain(sent.All, r => r.Method == "HEAD");
        Assert.Single(sent.All, r => r is { Method: "GET", IsState: true });
        Assert.True(File.Exists(project.SnapshotFile));

        var afterFresh = server.RequestsTo(bucket).Count;
        (await project.PublishAsync(bucket)).EnsureSuccess();
        Assert.Equal(afterFresh, server.RequestsTo(bucket).Count);
    }

    [Fact]
    public async Task Dry_run_prints_the_plan_and_changes_nothing()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Dry_run_prints_the_plan_and_changes_nothing));

        var result = (await project.PublishAsync(bucket, "StaticOffloadDryRun=true")).EnsureSuccess();

        Assert.Contains("dry run: would upload 12", result.Output);
        Assert.Contains($"(dry run) upload: index.html → s3://{bucket}/site/index.html (New, ", result.Output);
        Assert.Empty(await server.ListAsync(bucket));
        Assert.False(File.Exists(project.SnapshotFile));
    }

    [Fact]
    public async Task More_deletions_than_MaxDeletes_fail_with_SO1010_and_delete_nothing()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(More_deletions_than_MaxDeletes_fail_with_SO1010_and_delete_nothing));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        Directory.Delete(Path.Combine(project.WebRoot, "docs"), recursive: true);

        var result = await project.PublishAsync(bucket, "StaticOffloadMaxDeletes=2");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SO1010", result.Output);
        Assert.Contains("StaticOffloadMaxDeletes (2)", result.Output);
        Assert.Equal(12, (await server.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task Missing_bucket_fails_with_SO1004_naming_the_property()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);

        var result = await project.PublishAsync("no-such-bucket-here");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SO1004", result.Output);
        Assert.Contains("StaticOffloadBucket", result.Output);
        Assert.DoesNotContain(server.SecretKeyValue, result.Output);
        Assert.False(File.Exists(project.SnapshotFile));
    }

    [Fact]
    public async Task Unknown_storage_class_in_a_rule_fails_with_SO1007_before_any_request()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Unknown_storage_class_in_a_rule_fails_with_SO1007_before_any_request));
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace(
            "CacheControl=\"public, max-age=604800\"", "CacheControl=\"public, max-age=604800\" StorageClass=\"FROZEN\""));

        var result = await project.PublishAsync(bucket);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SO1007", result.Output);
        Assert.Contains("'Docs'", result.Output);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
    }
}
