using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Publish;

/// <summary>How the package's properties and items change a real publish, and how bad input is reported.</summary>
[Collection(SyncCollection.Name)]
public sealed class PublishConfigurationTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [Fact]
    public async Task Publish_without_a_bucket_does_not_sync()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);

        var result = (await DotNet.RunAsync(project.Directory, ["publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false"],
            server.Credentials())).EnsureSuccess();

        Assert.DoesNotContain("StaticOffload:", result.Output);
    }

    [Fact]
    public async Task Enabled_without_a_bucket_fails_with_SO1001()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);

        var result = await project.PublishAsync("", "StaticOffloadEnabled=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SO1001", result.Output);
        Assert.Contains("StaticOffloadBucket is not set", result.Output);
    }

    [Theory]
    [InlineData("/site", "starts with '/'")]
    [InlineData("site/../other", "'..'")]
    [InlineData(@"site\v1", "backslash")]
    public async Task Invalid_prefix_fails_with_SO1003_before_any_request(string prefix, string explanation)
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync("prefix" + explanation);

        var result = await project.PublishAsync(bucket, $"StaticOffloadPrefix={prefix}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error SO1003", result.Output);
        Assert.Contains(explanation, result.Output);
        Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
    }

    [Fact]
    public async Task Compressed_siblings_when_uploaded_keep_the_original_type_with_a_content_encoding()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Compressed_siblings_when_uploaded_keep_the_original_type_with_a_content_encoding));

        (await project.PublishAsync(bucket, "StaticOffloadCompressedAssets=Upload")).EnsureSuccess();

        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).ToHashSet();
        Assert.Contains("site/css/site.css", keys);
        Assert.Contains("site/css/site.css.br", keys);
        Assert.Contains("site/css/site.css.gz", keys);
        // Read with HEAD: on GET an HTTP client may decode the body and drop Content-Encoding.
        foreach (var (key, type, encoding) in new[]
                 {
                     ("site/css/site.css.br", "text/css", "br"), ("site/index.html.gz", "text/html", "gzip"),
                     ("site/css/site.css", "text/css", null),
                 })
        {
            var head = await server.Client.GetObjectMetadataAsync(bucket, key);
            Assert.Equal(type, head.Headers.ContentType);
            Assert.Equal(encoding, head.Headers.ContentEncoding);
        }
    }

    [Fact]
    public async Task A_target_can_set_headers_on_individual_files_before_the_sync()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(A_target_can_set_headers_on_individual_files_before_the_sync));
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace("</Project>", """
              <Target Name="PinConfig" AfterTargets="StaticOffloadResolveFiles">
                <ItemGroup>
                  <StaticOffloadFile Update="@(StaticOffloadFile)" Condition="'%(RelativePath)' == 'data/config.json'"
                                     CacheControl="no-store" StorageClass="INTELLIGENT_TIERING" />
                </ItemGroup>
              </Target>
              <Target Name="ReportUploads" AfterTargets="StaticOffloadSync">
                <Message Importance="high" Text="uploaded: %(StaticOffloadUploaded.Key)" />
              </Target>
            </Project>
            """));

        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        var (_, response) = await server.GetAsync(bucket, "site/data/config.json");
        Assert.Equal("no-store", response.Headers.CacheControl);
        var put = Assert.Single(server.RequestsTo(bucket).Uploads, r => r.Key == "site/data/config.json");
        Assert.Equal("INTELLIGENT_TIERING", put.Header("x-amz-storage-class"));
        Assert.Contains("uploaded: site/index.html", result.Output);
        Assert.Contains("uploaded: site/docs/nested/a+b #1 100%.txt", result.Output);
    }

    [Fact]
    public async Task Named_profile_supplies_the_credentials_and_a_missing_one_fails_with_SO1018()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Named_profile_supplies_the_credentials_and_a_missing_one_fails_with_SO1018));
        var config = Path.Combine(project.Directory, "aws-config");
        await File.WriteAllTextAsync(config, """
            [profile deploy]
            aws_access_key_id = AKIAPROFILEKEY000001
            aws_secret_access_key = profile-secret-never-logged
            region = eu-west-1
            """);
        var environment = new Dictionary<string, string?>(server.Credentials())
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_CONFIG_FILE"] = config,
        };
        string[] common = ["publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false", $"-p:StaticOffloadBucket={bucket}",
            $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true"];

        var missing = await DotNet.RunAsync(project.Directory, [.. common, "-p:StaticOffloadProfile=nope"], environment);
        var found = await DotNet.RunAsync(project.Directory, [.. common, "-p:StaticOffloadProfile=deploy"], environment);

        Assert.Contains("error SO1018", missing.Output);
        Assert.Contains("StaticOffloadProfile 'nope'", missing.Output);
        found.EnsureSuccess();
        Assert.Contains("12 uploaded", found.Output);
        Assert.DoesNotContain("profile-secret-never-logged", missing.Output + found.Output);
        Assert.DoesNotContain("AKIAPROFILEKEY000001", missing.Output + found.Output);
    }

    [Fact]
    public async Task Without_endpoint_headers_the_package_default_rules_apply()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Without_endpoint_headers_the_package_default_rules_apply));

        (await project.PublishAsync(bucket, "StaticOffloadEndpointHeaders=false")).EnsureSuccess();

        foreach (var (key, cacheControl) in new[]
                 {
                     ("site/css/site.css", "public, max-age=31536000"), ("site/images/photo 1.png", "public, max-age=31536000"),
                     ("site/data/config.json", "public, max-age=86400"), ("site/favicon.ico", "public, max-age=86400"),
                     ("site/index.html", "public, max-age=0, must-revalidate"), ("site/docs/nested/a+b #1 100%.txt", "public, max-age=604800"),
                 })
        {
            var head = await server.Client.GetObjectMetadataAsync(bucket, key);
            Assert.True(Rules.ObjectHeaders.CacheControlEquivalent(cacheControl, head.Headers.CacheControl), $"{key}: {head.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task Redirect_items_and_invalidation_paths_flow_through_msbuild()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Redirect_items_and_invalidation_paths_flow_through_msbuild));
        var csproj = await File.ReadAllTextAsync(project.ProjectFile);
        await File.WriteAllTextAsync(project.ProjectFile, csproj.Replace("</Project>", """
              <ItemGroup>
                <StaticOffloadRedirect Include="old/pricing.html" Location="/pricing/" />
              </ItemGroup>
              <Target Name="ShowInvalidations" AfterTargets="StaticOffloadSync">
                <Message Importance="high" Text="invalidate: @(StaticOffloadInvalidationPath, ' ')" />
              </Target>
            </Project>
            """));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        var put = Assert.Single(server.RequestsTo(bucket).Uploads, r => r.Key == "site/old/pricing.html");
        Assert.Equal("/pricing/", put.Header("x-amz-website-redirect-location"));

        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "index.html"), "<!-- v2 -->");
        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "docs", "nested", "über uns.html"), "<!-- v2 -->");
        File.WriteAllText(Path.Combine(project.WebRoot, "new.txt"), "new");
        var result = (await project.PublishAsync(bucket)).EnsureSuccess();

        Assert.Contains("invalidate: /site/ /site/docs/nested/%C3%BCber%20uns.html /site/index.html", result.Output);
    }

    [Fact]
    public async Task Sync_target_alone_after_an_earlier_publish_syncs_the_publish_folder_without_building()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Sync_target_alone_after_an_earlier_publish_syncs_the_publish_folder_without_building));
        (await DotNet.RunAsync(project.Directory, ["publish", project.ProjectFile, "-c", "Release", "-nodeReuse:false"], server.Credentials())).EnsureSuccess();

        var result = (await DotNet.RunAsync(project.Directory,
        [
            "msbuild", project.ProjectFile, "-t:StaticOffloadSync", "-p:Configuration=Release", "-nodeReuse:false",
            $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
        ], server.Credentials())).EnsureSuccess();

        Assert.Contains("— 12 uploaded", result.Output);
        Assert.DoesNotContain("WebApp.dll", result.Output);
        Assert.Equal(WebAppPublishScenarios.Expected.Count, (await server.ListAsync(bucket)).Count);
        var (_, css) = await server.GetAsync(bucket, "site/css/site.css");
        Assert.Equal("no-cache", css.Headers.CacheControl);
    }

    [Fact]
    public async Task Normal_verbosity_prints_one_line_per_change_and_minimal_only_the_summary()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Normal_verbosity_prints_one_line_per_change_and_minimal_only_the_summary));
        var destination = $"s3://{bucket}/site/";

        var first = (await project.PublishAtVerbosityAsync("n", bucket)).EnsureSuccess();

        Assert.Contains($"upload: css/site.css → {destination}css/site.css (New, ", first.Output);
        Assert.Contains($"upload: docs/nested/über uns.html → {destination}docs/nested/über uns.html (New, ", first.Output);
        Assert.Equal(12, first.Output.Split('\n').Count(line => line.Contains("upload: ", StringComparison.Ordinal)));

        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "css", "site.css"), "/* v2 */");
        File.Delete(Path.Combine(project.WebRoot, "robots.txt"));
        var second = (await project.PublishAtVerbosityAsync("m", bucket)).EnsureSuccess();

        Assert.Contains("— 1 uploaded", second.Output);
        Assert.DoesNotContain("upload: ", second.Output);
        Assert.DoesNotContain("delete: ", second.Output);

        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "css", "site.css"), "/* v3 */");
        var third = (await project.PublishAtVerbosityAsync("n", bucket, "StaticOffloadDryRun=true")).EnsureSuccess();

        Assert.Contains($"(dry run) upload: css/site.css → {destination}css/site.css (ContentChanged, ", third.Output);
        Assert.DoesNotContain("(dry run) unchanged:", third.Output);
    }

    [Fact]
    public async Task Force_resends_every_object_in_phase_order_under_the_guards_and_repairs_what_the_snapshot_cannot_see()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Force_resends_every_object_in_phase_order_under_the_guards_and_repairs_what_the_snapshot_cannot_see));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        // Changed behind the sync's back: content and headers the snapshot still believes are right.
        await server.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = bucket, Key = "site/css/site.css", ContentBody = "tampered", ContentType = "text/plain",
        });
        File.Delete(Path.Combine(project.WebRoot, "robots.txt"));

        var refused = await project.PublishAsync(bucket, "StaticOffloadForce=true", "StaticOffloadMaxDeletes=0");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error SO1010", refused.Output);
        var before = server.RequestsTo(bucket).Count;
        var result = (await project.PublishAsync(bucket, "StaticOffloadForce=true")).EnsureSuccess();

        Assert.Contains("— 11 uploaded", result.Output);
        Assert.Contains("1 deleted, 0 unchanged", result.Output);
        var sent = server.RequestsTo(bucket).Since(before).WithoutState().WithoutAccessCheck().All;
        Assert.Equal(11, sent.Count(r => r.IsUpload));
        var order = sent.Select(r => r.IsDelete ? "delete" : r.Key).ToList();
        Assert.True(order.LastIndexOf(Prefix + "css/site.css") < order.IndexOf(Prefix + "index.html"), "assets before pages");
        Assert.Equal("delete", order[^1]);
        var (body, css) = await server.GetAsync(bucket, "site/css/site.css");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(project.PublishedWebRoot, "css", "site.css")), body);
        Assert.Equal("text/css", css.Headers.ContentType);

        var again = (await project.PublishAsync(bucket)).EnsureSuccess();
        Assert.Contains("— 0 uploaded (0 B), 0 metadata updated, 0 deleted, 11 unchanged", again.Output);
    }

    [Fact]
    public async Task Sync_target_alone_without_a_configuration_looks_where_dotnet_publish_puts_the_output_or_names_that_folder()
    {
        using var project = SampleProject.Copy("WebApp", feed, server);
        var bucket = await server.CreateBucketAsync(nameof(Sync_target_alone_without_a_configuration_looks_where_dotnet_publish_puts_the_output_or_names_that_folder));
        (await project.PublishAsync(bucket)).EnsureSuccess();
        Task<ProcessResult> SyncAlone(params string[] extra) => DotNet.RunAsync(project.Directory,
            new[]
            {
                "msbuild", project.ProjectFile, "-t:StaticOffloadSync", "-nodeReuse:false",
                $"-p:StaticOffloadBucket={bucket}", $"-p:StaticOffloadServiceUrl={server.Endpoint}", "-p:StaticOffloadForcePathStyle=true",
            }.Concat(extra), server.Credentials());

        // No -c: `dotnet publish` without -c publishes Release for a .NET 8+ project, so that is where the sync looks.
        var synced = (await SyncAlone()).EnsureSuccess();

        Assert.Contains("— 0 uploaded (0 B), 0 metadata updated, 0 deleted, 12 unchanged", synced.Output);

        var publishFolder = Path.GetDirectoryName(project.PublishedWebRoot)!;
        Directory.Delete(publishFolder, recursive: true);
        var missing = await SyncAlone();

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("error SO1041", missing.Output);
        Assert.Contains(project.PublishedWebRoot, missing.Output);
        Assert.Contains("configuration 'Release' (assumed: no -c or -p:Configuration was given", missing.Output);
        Assert.DoesNotContain("SO1012", missing.Output);
        Assert.DoesNotContain("SO1022", missing.Output);
        Assert.DoesNotContain("StaticOffloadAllowShrink", missing.Output);

        var debug = await SyncAlone("-p:Configuration=Debug");

        Assert.Contains("error SO1041", debug.Output);
        Assert.Contains(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "publish", "wwwroot"), debug.Output);
        Assert.Contains("configuration 'Debug' (as given)", debug.Output);
        Assert.Equal(WebAppPublishScenarios.Expected.Count, (await server.ListAsync(bucket)).Count);
    }

    private const string Prefix = "site/";
}
