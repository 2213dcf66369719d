using System.Globalization;
using System.Text.RegularExpressions;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Publish;

/// <summary>A local write failure seen through a real publish: a coded error in the build output, no stack trace.</summary>
[Collection(SyncCollection.Name)]
public sealed class LocalDiskPublishTests(S3ServerFixture server, PackageFeedFixture feed)
{
    [MountFact]
    public async Task Publish_with_the_snapshot_in_a_read_only_folder_fails_at_once_with_SO1030_and_no_stack_trace()
    {
        using var project = SampleProject.Copy("StaticSite", feed, server);
        using var mount = TempMount.Tmpfs("ro,size=64k");
        var bucket = await server.CreateBucketAsync(nameof(Publish_with_the_snapshot_in_a_read_only_folder_fails_at_once_with_SO1030_and_no_stack_trace));
        var snapshot = Path.Combine(mount.Path, "staticoffload.snapshot.json");

        var result = await project.PublishAsync(bucket, $"StaticOffloadSnapshotFile={snapshot}");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.Contains("error SO1030", StringComparison.Ordinal));
        Assert.Contains(mount.Path, error, StringComparison.Ordinal);
        Assert.Contains("StaticOffloadSnapshotFile", error, StringComparison.Ordinal);
        Assert.DoesNotContain("SO1024", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.Empty(await server.ListAsync(bucket, includeState: true));
        // The summary line's own time: the sync failed at once, it did not wait out the lock timeout.
        var summary = Assert.Single(result.Output.Split('\n'), l => l.Contains($"StaticOffload: s3://{bucket}/", StringComparison.Ordinal));
        var seconds = double.Parse(Regex.Match(summary, @" in ([\d.]+) s").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(seconds < 5, summary);
    }
}
