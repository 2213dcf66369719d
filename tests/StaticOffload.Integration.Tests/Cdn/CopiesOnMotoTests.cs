using System.Text;
using System.Text.Json;
using StaticOffload.Planning;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Cdn;

/// <summary>Moved, renamed and duplicated files made by server-side copies, against moto's server.</summary>
[Collection(MotoCollection.Name)]
public sealed class CopiesOnMotoTests(MotoServerFixture moto)
{
    [Fact]
    public async Task A_renamed_and_a_duplicated_file_are_copied_from_the_key_that_holds_their_content_and_the_report_names_it()
    {
        var bucket = await moto.CreateBucketAsync("copies");
        using var harness = new EngineHarness(moto, bucket, "site/") { ReportPath = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.json") };
        var css = new string('x', 5000);
        harness.Write("index.html", "<html>one</html>");
        harness.Write("css/site.css", css);
        await harness.SyncSucceededAsync();
        File.Move(Path.Combine(harness.Root, "css", "site.css"), Path.Combine(harness.Root, "css", "site.v2.css"));
        harness.Write("css/copy.css", css);
        harness.Messages.Clear();

        var result = await harness.SyncSucceededAsync();

        Assert.Equal(0, result.BytesUploaded);
        var copies = result.Completed.Where(a => a.Kind == SyncActionKind.Copy).OrderBy(a => a.Key, StringComparer.Ordinal).ToArray();
        Assert.Equal(["site/css/copy.css", "site/css/site.v2.css"], copies.Select(a => a.Key));
        Assert.All(copies, a => Assert.Equal(("site/css/site.css", SyncReason.Duplicate), (a.Restore!.Source.Key, a.Reason)));
        Assert.Contains(harness.Messages, m => m.StartsWith($"StaticOffload: s3://{bucket}/site/", StringComparison.Ordinal) && m.Contains("— 0 uploaded (0 B), 0 metadata updated, 2 copied server-side, 1 deleted", StringComparison.Ordinal));
        Assert.Contains($"copy: s3://{bucket}/site/css/site.css → s3://{bucket}/site/css/site.v2.css (Duplicate)", harness.Messages);
        foreach (var key in new[] { "site/css/site.v2.css", "site/css/copy.css" })
        {
            var (body, response) = await moto.GetAsync(bucket, key);
            Assert.Equal(css, Encoding.UTF8.GetString(body));
            Assert.Equal("text/css", response.Headers.ContentType);
            Assert.Equal("public, max-age=60", response.Headers.CacheControl);
        }

        Assert.DoesNotContain("site/css/site.css", (await moto.ListAsync(bucket)).Select(o => o.Key));
        using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(harness.ReportPath));
        Assert.Equal(2, report.RootElement.GetProperty("counts").GetProperty("copied").GetInt32());
        var copied = report.RootElement.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("key").GetString() == "site/css/copy.css");
        Assert.Equal("Copy", copied.GetProperty("kind").GetString());
        Assert.Contains("'site/css/site.css'", copied.GetProperty("source").GetString());
        Assert.Empty((await harness.SyncSucceededAsync()).Completed);
    }

    [Fact]
    public async Task Without_server_side_copy_a_renamed_file_is_uploaded()
    {
        var bucket = await moto.CreateBucketAsync("copies-off");
        using var harness = new EngineHarness(moto, bucket, "site/") { ServerSideCopy = false };
        harness.Write("a.css", "same content");
        await harness.SyncSucceededAsync();
        File.Move(Path.Combine(harness.Root, "a.css"), Path.Combine(harness.Root, "b.css"));

        var result = await harness.SyncSucceededAsync();

        Assert.Equal([SyncActionKind.Upload, SyncActionKind.Delete], result.Completed.Select(a => a.Kind).Order());
    }
}
