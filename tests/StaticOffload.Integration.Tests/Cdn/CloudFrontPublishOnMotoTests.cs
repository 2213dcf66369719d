using StaticOffload.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticOffload.Tests.Cdn;

/// <summary>A real `dotnet publish` of samples/WebApp with StaticOffloadCloudFrontDistributionId, against moto.</summary>
[Collection(MotoPublishCollection.Name)]
public sealed class CloudFrontPublishOnMotoTests(MotoServerFixture moto, PackageFeedFixture feed, ITestOutputHelper output)
{
    [Fact]
    public async Task A_publish_with_a_distribution_id_invalidates_what_changed_and_prints_the_invalidation_id()
    {
        using var api = new CloudFrontApi(moto.Endpoint);
        using var project = SampleProject.Copy("WebApp", feed, moto);
        var bucket = await moto.CreateBucketAsync("cdn-publish");
        var distribution = await api.CreateDistributionAsync(bucket);
        project.ExtraEnvironment["AWS_ENDPOINT_URL_CLOUDFRONT"] = moto.Endpoint;
        var properties = new[] { $"StaticOffloadCloudFrontDistributionId={distribution}", "StaticOffloadCloudFrontWait=true" };
        (await project.PublishAsync(bucket, properties)).EnsureSuccess();
        Assert.Empty(await api.InvalidationsAsync(distribution));

        await File.AppendAllTextAsync(Path.Combine(project.WebRoot, "index.html"), "<!-- v2 -->");
        File.Move(Path.Combine(project.WebRoot, "robots.txt"), Path.Combine(project.WebRoot, "robots2.txt"));
        var result = (await project.PublishAtVerbosityAsync("n", bucket, properties)).EnsureSuccess();
        output.WriteLine(result.Output);

        var sent = Assert.Single(await api.InvalidationsAsync(distribution));
        Assert.Equal(["/site/", "/site/index.html", "/site/robots.txt"], sent.Paths.Order(StringComparer.Ordinal));
        Assert.Contains($"StaticOffload: CloudFront invalidation {sent.Id} of distribution {distribution} created for 3 paths", result.Output);
        // The rename is a server-side copy of the key that held the content; the old key goes after the invalidation.
        Assert.Contains($"copy: s3://{bucket}/site/robots.txt → s3://{bucket}/site/robots2.txt (Duplicate)", result.Output);
        Assert.Contains($"delete: s3://{bucket}/site/robots.txt (Removed)", result.Output);
        Assert.Contains("1 to upload, 0 to update, 1 to copy server-side, 1 to delete…", result.Output);

        var again = (await project.PublishAsync(bucket, properties)).EnsureSuccess();
        Assert.DoesNotContain("CloudFront invalidation", again.Output);
        Assert.Single(await api.InvalidationsAsync(distribution));
    }
}
