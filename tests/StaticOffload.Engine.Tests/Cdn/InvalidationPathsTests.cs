using StaticOffload.Cdn;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Cdn;

public class InvalidationPathsTests
{
    private static readonly ObjectHeaders Short = new("text/html", "no-cache");
    private static readonly ObjectHeaders Immutable = new("text/javascript", "public, max-age=31536000, immutable");

    private static SyncAction Action(SyncActionKind kind, SyncReason reason, string key, ObjectHeaders? headers = null)
    {
        var local = kind == SyncActionKind.Delete ? null
            : new LocalFile(key, "/p/" + key, 1, 1, ContentHasher.Empty, headers ?? Short, false);
        return new SyncAction(kind, reason, SyncPhase.Assets, key, local, new SnapshotEntry { Headers = headers ?? Short });
    }

    [Fact]
    public void Changed_updated_and_deleted_keys_are_invalidated_but_new_and_immutable_ones_are_not()
    {
        var paths = InvalidationPaths.From(
        [
            Action(SyncActionKind.Upload, SyncReason.ContentChanged, "site/a.css"),
            Action(SyncActionKind.Upload, SyncReason.New, "site/new.css"),
            Action(SyncActionKind.UpdateMetadata, SyncReason.HeadersChanged, "site/b.css"),
            Action(SyncActionKind.Delete, SyncReason.Removed, "site/old.css"),
            Action(SyncActionKind.Upload, SyncReason.ContentChanged, "site/app.1a2b.js", Immutable),
            Action(SyncActionKind.Upload, SyncReason.Forced, "site/forced.css"),
            Action(SyncActionKind.Upload, SyncReason.HeadersChanged, "site/reuploaded.css"),
        ], "site/", 15);

        Assert.Equal(["/site/a.css", "/site/b.css", "/site/forced.css", "/site/old.css", "/site/reuploaded.css"], paths);
    }

    [Fact]
    public void An_index_page_also_invalidates_its_folder_url()
    {
        var paths = InvalidationPaths.From([Action(SyncActionKind.Upload, SyncReason.ContentChanged, "docs/index.html")], "", 15);

        Assert.Equal(["/docs/", "/docs/index.html"], paths);
    }

    [Fact]
    public void Above_the_limit_the_list_collapses_to_one_wildcard_on_the_prefix()
    {
        var actions = Enumerable.Range(0, 16).Select(i => Action(SyncActionKind.Upload, SyncReason.ContentChanged, $"site/f{i}.css"));

        Assert.Equal(["/site/*"], InvalidationPaths.From(actions, "site/", 15));
    }

    [Theory]
    [InlineData("a b.html", "/a%20b.html")]
    [InlineData("über uns.html", "/%C3%BCber%20uns.html")]
    [InlineData("a+b #1 100%.txt", "/a%2Bb%20%231%20100%25.txt")]
    [InlineData("x/y-z_1.~", "/x/y-z_1.~")]
    public void Paths_are_percent_encoded(string key, string expected) =>
        Assert.Equal(expected, InvalidationPaths.ToPath(key));
}
