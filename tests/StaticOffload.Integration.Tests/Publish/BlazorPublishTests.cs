using Xunit.Abstractions;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Publish;

/// <summary>
/// A real Blazor WebAssembly publish (samples/BlazorWasm): the whole publish output is a static site, and the
/// framework's endpoints manifest decides the headers.
/// </summary>
[Collection(BlazorCollection.Name)]
public sealed class BlazorPublishTests(S3ServerFixture server, PackageFeedFixture feed, ITestOutputHelper output)
{
    [Fact]
    public async Task Blazor_publish_sends_fingerprinted_files_first_as_immutable_and_a_fresh_clone_uploads_nothing()
    {
        using var project = SampleProject.Copy("BlazorWasm", feed, server, registry: true);
        var bucket = await server.CreateBucketAsync(nameof(Blazor_publish_sends_fingerprinted_files_first_as_immutable_and_a_fresh_clone_uploads_nothing));

        (await project.PublishAsync(bucket, "StaticOffloadPrefix=app")).EnsureSuccess();

        var publishRoot = Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "wwwroot");
        var published = Directory.EnumerateFiles(publishRoot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(publishRoot, f).Replace('\\', '/'))
            .Where(f => !f.EndsWith(".br", StringComparison.Ordinal) && !f.EndsWith(".gz", StringComparison.Ordinal))
            .Select(f => "app/" + f)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(published, (await server.ListAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal));

        var uploads = server.RequestsTo(bucket).WithoutState().Uploads.ToList();
        var wasm = uploads.Where(r => r.Key!.StartsWith("app/_framework/", StringComparison.Ordinal) && r.Key.EndsWith(".wasm", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(wasm);
        Assert.All(wasm, r =>
        {
            Assert.Equal("application/wasm", r.Header("content-type"));
            Assert.Contains("immutable", r.Header("cache-control"));
        });
        var index = uploads.FindIndex(r => r.Key == "app/index.html");
        Assert.Equal("no-cache", uploads[index].Header("cache-control"));
        var lastImmutable = uploads.FindLastIndex(r => r.Header("cache-control")?.Contains("immutable") == true);
        var firstMutable = uploads.FindIndex(r => r.Header("cache-control")?.Contains("immutable") != true);
        Assert.True(lastImmutable < firstMutable, "a revalidated asset was sent before the last immutable one");
        Assert.Equal(uploads.Count - 1, index);
        Assert.DoesNotContain(uploads, r => r.Key!.EndsWith(".dll", StringComparison.Ordinal) || r.Key.EndsWith("web.config", StringComparison.Ordinal));

        // A fresh CI clone: no obj/ or bin/, everything rebuilt with new file times and the same content.
        var before = server.RequestsTo(bucket).Count;
        Directory.Delete(Path.Combine(project.Directory, "obj"), recursive: true);
        Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
        var fresh = (await project.PublishAsync(bucket, "StaticOffloadPrefix=app")).EnsureSuccess();

        var sent = server.RequestsTo(bucket).Since(before);
        output.WriteLine($"fresh clone: {sent.Count} requests ({string.Join(", ", sent.All.GroupBy(r => r.Method).Select(g => $"{g.Count()} {g.Key}"))}), {sent.All.Sum(r => r.Bytes)} bytes sent, for {published.Length} objects");
        Assert.Contains($"0 uploaded (0 B), 0 metadata updated, 0 deleted, {published.Length} unchanged", fresh.Output);
        Assert.Empty(sent.Uploads);
        Assert.DoesNotContain(sent.All, r => r.Method == "HEAD");
    }
}
