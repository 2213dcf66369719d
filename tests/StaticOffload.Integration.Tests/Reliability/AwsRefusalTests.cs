using StaticOffload.Diagnostics;
using StaticOffload.Rules;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// The refusals real AWS gives a first-time user and no local server produces, answered by the fault proxy with S3's
/// documented error responses: each is named with its fix, and a refusal every other write would meet too comes back
/// once, with nothing else sent after it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class AwsRefusalTests(S3ServerFixture server)
{
    private const string BucketOwnerEnforced = "The bucket does not allow ACLs";

    [Fact]
    public async Task An_acl_on_a_bucket_with_acls_disabled_is_SO1046_after_one_request_and_nothing_else_is_sent()
    {
        var bucket = await server.CreateBucketAsync(nameof(An_acl_on_a_bucket_with_acls_disabled_is_SO1046_after_one_request_and_nothing_else_is_sent));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile
        {
            Answer = r => IsObjectWrite(r) && r.Header("x-amz-acl") is not null
                ? new CannedAnswer(400, "Bad Request", "AccessControlListNotSupported", BucketOwnerEnforced)
                : null,
        });
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint, Concurrency = 8 };
        for (var i = 0; i < 10; i++)
        {
            harness.Write($"css/c{i}.css", $"body{{--v:{i}}}");
        }

        for (var i = 0; i < 5; i++)
        {
            harness.Write($"page{i}.html", $"<h1>{i}</h1>");
        }

        // The recipe of old: pages public-read, assets as the bucket makes them.
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "no-cache",
            Acl: relative.EndsWith(".html", StringComparison.Ordinal) ? "public-read" : null);

        var result = await harness.SyncAsync();

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.AclsDisabledCode, error.Code);
        Assert.Contains("'public-read'", error.Message);
        Assert.Contains("AccessControlListNotSupported", error.Message);
        Assert.Contains("origin access control", error.Message);
        Assert.Contains("bucket policy", error.Message);
        Assert.Contains("nothing else was sent", error.Message);
        Assert.Equal(1, proxy.AnswersSent);

        // The assets went first (phase order) and are there; of the five pages, only the one refused was sent.
        var keys = (await server.ListAsync(bucket)).Select(o => o.Key).ToArray();
        Assert.Equal(10, keys.Count(k => k.EndsWith(".css", StringComparison.Ordinal)));
        Assert.DoesNotContain(keys, k => k.EndsWith(".html", StringComparison.Ordinal));
        Assert.DoesNotContain(server.RequestsTo(bucket).Uploads, r => r.Key!.EndsWith(".html", StringComparison.Ordinal));

        // What the message says to do works: without the Acl the same deploy completes.
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "no-cache");
        await harness.SyncSucceededAsync();
        Assert.Equal(15, (await server.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task A_moved_file_whose_copy_carries_a_refused_acl_is_not_uploaded_instead_and_nothing_is_deleted()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_moved_file_whose_copy_carries_a_refused_acl_is_not_uploaded_instead_and_nothing_is_deleted));
        await using var proxy = new FaultProxy(server.Endpoint);
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint };
        harness.Write("css/a.css", "body{color:red}");
        harness.Write("css/b.css", "body{color:blue}");
        await harness.SyncSucceededAsync();

        // Renamed, and a rule now asks for public-read on the new name: a server-side copy that carries the ACL.
        File.Move(Path.Combine(harness.Root, "css", "a.css"), Path.Combine(harness.Root, "css", "moved.css"));
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "public, max-age=60",
            Acl: relative.EndsWith("moved.css", StringComparison.Ordinal) ? "public-read" : null);
        proxy.Profile = new FaultProfile
        {
            Answer = r => IsObjectWrite(r) && r.Header("x-amz-acl") is not null
                ? new CannedAnswer(400, "Bad Request", "AccessControlListNotSupported", BucketOwnerEnforced)
                : null,
        };
        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.AclsDisabledCode, error.Code);
        Assert.Contains("moved.css", error.Message);
        Assert.Equal(1, proxy.AnswersSent);
        Assert.Equal(["site/css/a.css", "site/css/b.css"], (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_public_acl_under_block_public_access_is_SO1047_naming_it_and_a_plain_access_denied_is_sent_once()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_public_acl_under_block_public_access_is_SO1047_naming_it_and_a_plain_access_denied_is_sent_once));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile
        {
            Answer = r => IsObjectWrite(r) ? new CannedAnswer(403, "Forbidden", "AccessDenied", "Access Denied") : null,
        });
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint, Concurrency = 8 };
        for (var i = 0; i < 12; i++)
        {
            harness.Write($"js/app{i}.js", $"let v={i};");
        }

        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "no-cache", Acl: "public-read");
        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.PublicAclBlockedCode, error.Code);
        Assert.Contains("Block Public Access", error.Message);
        Assert.Contains("'public-read'", error.Message);
        Assert.Contains("s3:PutObjectAcl", error.Message);
        Assert.Equal(1, proxy.AnswersSent);

        // Without an ACL, 403 is about the credentials' permissions (SO1005), and still only the first write is sent.
        harness.Headers = relative => new ObjectHeaders(new ContentTypeMap().Resolve(relative), "no-cache");
        result = await harness.SyncAsync();
        error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.AccessDeniedCode, error.Code);
        Assert.Contains("s3:PutObject", error.Message);
        Assert.Equal(2, proxy.AnswersSent);
        Assert.Empty(await server.ListAsync(bucket));
    }

    public static TheoryData<string, CannedAnswer, string?> WrongRegions => new()
    {
        {
            "301 PermanentRedirect with x-amz-bucket-region",
            new CannedAnswer(301, "Moved Permanently", "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
            {
                Elements = [("Endpoint", "wrong-region.s3.eu-west-1.amazonaws.com"), ("Bucket", "wrong-region")],
                Headers = [("x-amz-bucket-region", "eu-west-1")],
            },
            "eu-west-1"
        },
        {
            "400 AuthorizationHeaderMalformed naming the region",
            new CannedAnswer(400, "Bad Request", "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-central-1'")
            {
                Elements = [("Region", "eu-central-1")],
            },
            "eu-central-1"
        },
        {
            "301 with no region at all",
            new CannedAnswer(301, "Moved Permanently", "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint."),
            null
        },
    };

    [Theory]
    [MemberData(nameof(WrongRegions))]
    public async Task A_bucket_in_another_region_is_SO1048_naming_that_region_before_anything_changes(string why, CannedAnswer answer, string? region)
    {
        var bucket = await server.CreateBucketAsync("region" + new string(why.Where(char.IsAsciiLetterOrDigit).Take(20).ToArray()));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Answer = _ => answer });
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint };
        harness.Write("index.html", "<h1>hello</h1>");
        harness.Write("css/site.css", "body{}");
        var before = server.RequestCount(bucket);

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.WrongRegionCode, error.Code);
        Assert.Contains(region is null ? "aws s3api get-bucket-location" : $"StaticOffloadRegion={region}", error.Message);
        Assert.Contains("us-east-1", error.Message);  // the region the requests were signed for
        Assert.Contains(answer.Code, error.Message);
        Assert.Equal(before, server.RequestCount(bucket));
        Assert.Equal(proxy.RequestsSeen, proxy.AnswersSent);
    }

    public static TheoryData<string, int, string, string> CredentialRefusals => new()
    {
        { "ExpiredToken", 400, "The provided token has expired.", "session token has expired" },
        { "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.", "unknown to this endpoint" },
        { "SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "secret does not match" },
        { "AuthorizationHeaderMalformed", 400, "The authorization header is malformed; a non-empty Access Key (AKID) must be provided in the credential.", "secret does not match" },
    };

    [Theory]
    [MemberData(nameof(CredentialRefusals))]
    public async Task Refused_credentials_are_SO1028_naming_the_source_that_supplied_them(string code, int status, string message, string advice)
    {
        var bucket = await server.CreateBucketAsync("creds" + code);
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile
        {
            Answer = _ => new CannedAnswer(status, status == 400 ? "Bad Request" : "Forbidden", code, message),
        });
        using var harness = new EngineHarness(server, bucket, "site/") { EndpointOverride = proxy.Endpoint };
        harness.Write("index.html", "<h1>hello</h1>");
        var before = server.RequestCount(bucket);

        var result = await harness.SyncAsync();

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(Messages.CredentialsRejectedCode, error.Code);
        Assert.Contains($"({code})", error.Message);
        Assert.Contains("environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", error.Message);
        Assert.Contains("access key id …" + S3ServerFixture.AccessKey[^4..], error.Message);
        Assert.DoesNotContain(S3ServerFixture.AccessKey, error.Message);
        Assert.Contains(advice, error.Message);
        Assert.Equal(before, server.RequestCount(bucket));
    }

    /// <summary>A PUT of a site object (a key, not the sync's own documents under .staticoffload/).</summary>
    private static bool IsObjectWrite(ProxiedRequest request) =>
        request.Method == "PUT" && !request.Target.Contains("/.staticoffload/", StringComparison.Ordinal)
                                && request.Target.Split('?')[0].Count(c => c == '/') >= 2;
}
