using StaticOffload.Storage.S3;
using StaticOffload.Sync;

namespace StaticOffload.Tests.Storage;

/// <summary>Credentials in StaticOffloadServiceUrl are refused, and never printed wherever the endpoint is shown.</summary>
public class S3DestinationTests
{
    private const string Password = "Pa55-w0rd-7f3c9e";

    [Theory]
    [InlineData("http://user:" + Password + "@127.0.0.1:9000/", "s3://site/ at http://127.0.0.1:9000")]
    [InlineData("https://AKIA:" + Password + "@s3.example.com/base/?X-Amz-Security-Token=" + Password + "#" + Password, "s3://site/ at https://s3.example.com/base")]
    [InlineData("http://127.0.0.1:9000/?token=" + Password, "s3://site/ at http://127.0.0.1:9000")]
    [InlineData("http://127.0.0.1:9000/", "s3://site/ at http://127.0.0.1:9000")]
    [InlineData(null, "s3://site/")]
    public void Describe_and_ToString_show_only_scheme_host_port_and_path(string? serviceUrl, string expected)
    {
        var destination = new S3Destination { Bucket = "site", ServiceUrl = serviceUrl };

        Assert.Equal(expected, destination.Describe());
        Assert.Equal(expected, destination.ToString());
        Assert.DoesNotContain(Password, Request(serviceUrl).ToString());
    }

    [Theory]
    [InlineData("http://user:" + Password + "@127.0.0.1:9000/", "SO1031", "http://***@127.0.0.1:9000/")]
    [InlineData("https://" + Password + "@s3.example.com", "SO1031", "https://***@s3.example.com")]
    [InlineData("ftp://user:" + Password + "@host/", "SO1031", "ftp://***@host/")]
    [InlineData("https://s3.example.com/?X-Amz-Credential=" + Password, "SO1015", "https://s3.example.com'")]
    [InlineData("https://s3.example.com/#" + Password, "SO1015", "https://s3.example.com'")]
    [InlineData("ftp://host/" + "?" + Password, "SO1015", "not an http(s) URL")]
    public void A_service_url_with_credentials_or_a_query_fails_without_echoing_them(string serviceUrl, string code, string shown)
    {
        var problem = Assert.Single(RequestValidator.Validate(Request(serviceUrl)));

        Assert.Equal(code, problem.Code);
        Assert.Contains("StaticOffloadServiceUrl", problem.Message);
        Assert.Contains(shown, problem.Message);
        Assert.DoesNotContain(Password, problem.ToString());
        if (code == "SO1031")
        {
            Assert.Contains("AWS_ACCESS_KEY_ID", problem.Message);
            Assert.Contains("StaticOffloadProfile", problem.Message);
        }
    }

    [Theory]
    [InlineData("https://s3.us-east-1.amazonaws.com")]
    [InlineData("http://127.0.0.1:9000/")]
    [InlineData("https://acct.r2.cloudflarestorage.com/base/")]
    [InlineData("http://[::1]:9000")]
    public void A_plain_endpoint_is_accepted(string serviceUrl) =>
        Assert.Empty(RequestValidator.Validate(Request(serviceUrl)));

    private static SyncRequest Request(string? serviceUrl) => new()
    {
        Files = [],
        Destination = new S3Destination { Bucket = "site", ServiceUrl = serviceUrl },
        SnapshotPath = "/tmp/snapshot.json",
    };
}
