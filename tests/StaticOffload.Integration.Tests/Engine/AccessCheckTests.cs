using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>
/// A run that has read nothing from the bucket (it trusts its local snapshot) proves access with one cheap read
/// before its first change; a run that changes nothing sends nothing at all.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class AccessCheckTests(S3ServerFixture server)
{
    [Fact]
    public async Task A_run_from_a_snapshot_lists_one_key_before_its_first_change_and_a_no_change_run_sends_nothing()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_run_from_a_snapshot_lists_one_key_before_its_first_change_and_a_no_change_run_sends_nothing));
        using var harness = new EngineHarness(server, bucket, "site/");
        harness.Write("index.html", "<h1>one</h1>");
        await harness.SyncSucceededAsync();
        var firstRun = server.RequestsTo(bucket).All;
        Assert.DoesNotContain(firstRun, r => r.IsAccessCheck);

        var before = server.RequestsTo(bucket).Count;
        await harness.SyncSucceededAsync();
        Assert.Empty(server.RequestsTo(bucket).Since(before).All);

        harness.Write("index.html", "<h1>two</h1>");
        await harness.SyncSucceededAsync();
        var sent = server.RequestsTo(bucket).Since(before).All;
        Assert.True(sent[0].IsAccessCheck, string.Join(", ", sent.Select(r => $"{r.Method} {r.Url}")));
        Assert.Contains("prefix=site%2F", sent[0].Url);
        Assert.Single(sent, r => r.IsAccessCheck);
        Assert.Contains(harness.Messages, m => m.Contains(": 1 to upload, 0 to update, 0 to delete…", StringComparison.Ordinal));
    }
}
