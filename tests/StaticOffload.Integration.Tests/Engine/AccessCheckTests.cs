using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>
/// A run that has read nothing from the bucket (it trusts its local snapshot) proves access with the deploy lease, its
/// first request, before its first change; a run that changes nothing sends nothing at all. The exact requests of a
/// one-file deploy are what the lease and the history add to it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class AccessCheckTests(S3ServerFixture server)
{
    [Fact]
    public async Task A_deploy_from_a_snapshot_takes_the_lease_before_its_first_change_and_a_no_change_run_sends_nothing()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_deploy_from_a_snapshot_takes_the_lease_before_its_first_change_and_a_no_change_run_sends_nothing));
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
        var sent = server.RequestsTo(bucket).Since(before).All.Select(r => $"{r.Method} {r.Key} {r.Status}").ToList();
        var manifest = $"PUT site/.staticoffload/deploys/{(await harness.HistoryAsync())!.Deploys[0].Id}.json.gz 200";
        Assert.Equal(
            [
                "PUT site/.staticoffload/lease.json 200",  // take the lease: If-None-Match: *
                "PUT site/.staticoffload/lease.json 412",  // prove the store refuses a second create (not sent to Amazon S3)
                "GET site/.staticoffload/state.json.gz 304",  // the state is still the one planned from: If-None-Match
                "PUT site/index.html 200",
            ],
            sent.Take(4));
        // Then the state, the manifest and the history: the history is read while the state is written, so those two
        // go in either order; each write waits for what it depends on.
        string[] tail =
        [
            "PUT site/.staticoffload/state.json.gz 200",  // If-Match on the ETag just read
            manifest,
            "GET site/.staticoffload/history.json 200",
            "PUT site/.staticoffload/history.json 200",  // If-Match on the ETag just read
        ];
        Assert.Equal(tail.Order(StringComparer.Ordinal), sent.Skip(4).SkipLast(1).Order(StringComparer.Ordinal));
        Assert.True(sent.IndexOf("PUT site/.staticoffload/state.json.gz 200") < sent.IndexOf(manifest), "the manifest after the state");
        Assert.True(sent.IndexOf(manifest) < sent.IndexOf("PUT site/.staticoffload/history.json 200"), "the history after the manifest it names");
        Assert.True(sent.IndexOf("GET site/.staticoffload/history.json 200") < sent.IndexOf("PUT site/.staticoffload/history.json 200"),
            "the history written after it was read");
        Assert.Equal("DELETE site/.staticoffload/lease.json 204", sent[^1]);  // release: If-Match on the lease's ETag
        Assert.DoesNotContain(server.RequestsTo(bucket).Since(before).All, r => r.IsAccessCheck);
        Assert.Contains(harness.Messages, m => m.Contains(": 1 to upload, 0 to update, 0 to delete…", StringComparison.Ordinal));
    }
}
