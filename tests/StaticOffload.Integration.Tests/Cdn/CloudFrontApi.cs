using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace StaticOffload.Tests.Cdn;

/// <summary>
/// The CloudFront REST API of a test server (moto), called as a user's tooling would: signed with AWSSDK.Core's SigV4
/// handler. Creates distributions and reads invalidations back.
/// </summary>
public sealed class CloudFrontApi(string endpoint) : IDisposable
{
    private static readonly XNamespace Ns = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

    private readonly HttpClient _http = new(new SigV4SigningHandler(new BasicAWSCredentials("test", "test"), RegionEndpoint.USEast1, "cloudfront",
        new SocketsHttpHandler()));

    public async Task<string> CreateDistributionAsync(string bucket)
    {
        var config = new XElement(Ns + "DistributionConfig",
            new XElement(Ns + "CallerReference", Guid.NewGuid().ToString("N")),
            new XElement(Ns + "Origins", new XElement(Ns + "Quantity", 1), new XElement(Ns + "Items",
                new XElement(Ns + "Origin", new XElement(Ns + "Id", "s3"), new XElement(Ns + "DomainName", $"{bucket}.s3.amazonaws.com"),
                    new XElement(Ns + "S3OriginConfig", new XElement(Ns + "OriginAccessIdentity", ""))))),
            new XElement(Ns + "DefaultCacheBehavior", new XElement(Ns + "TargetOriginId", "s3"),
                new XElement(Ns + "ViewerProtocolPolicy", "redirect-to-https"), new XElement(Ns + "MinTTL", 0)),
            new XElement(Ns + "Comment", "StaticOffload test"),
            new XElement(Ns + "Enabled", true));
        var answer = await SendAsync(HttpMethod.Post, "/2020-05-31/distribution", config.ToString(SaveOptions.DisableFormatting));
        return answer.Root!.Elements().Single(e => e.Name.LocalName == "Id").Value;
    }

    /// <summary>Id, status and paths of every invalidation of <paramref name="distribution"/>.</summary>
    public async Task<IReadOnlyList<(string Id, string Status, string[] Paths)>> InvalidationsAsync(string distribution)
    {
        var list = await SendAsync(HttpMethod.Get, $"/2020-05-31/distribution/{distribution}/invalidation", null);
        var ids = list.Descendants().Where(e => e.Name.LocalName == "InvalidationSummary")
            .Select(e => e.Elements().Single(c => c.Name.LocalName == "Id").Value).ToArray();
        var result = new List<(string, string, string[])>();
        foreach (var id in ids)
        {
            var one = (await SendAsync(HttpMethod.Get, $"/2020-05-31/distribution/{distribution}/invalidation/{id}", null)).Root!;
            result.Add((id, one.Elements().Single(e => e.Name.LocalName == "Status").Value,
                one.Descendants().Where(e => e.Name.LocalName == "Path").Select(e => e.Value).ToArray()));
        }

        return result;
    }

    private async Task<XDocument> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, endpoint.TrimEnd('/') + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/xml");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return XDocument.Parse(text);
    }

    public void Dispose() => _http.Dispose();
}
