using StaticOffload.Rules;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Snapshot;

public class RemoteStateTests
{
    private static SyncSnapshot Sample(params string[] keys) => new()
    {
        Destination = "s3://b/p/",
        Deploys = 3,
        Entries = keys.ToDictionary(k => k, k => new SnapshotEntry
        {
            Size = 4, LastWriteTicks = 638_000_000_000_000_000, Md5 = "m", Sha256 = "s", ETag = "e",
            Headers = new ObjectHeaders("text/css", "no-cache"),
        }, StringComparer.Ordinal),
    };

    [Fact]
    public void The_same_state_serializes_to_the_same_bytes_whatever_the_entry_order()
    {
        Assert.Equal(RemoteState.Serialize(Sample("b", "a", "c")), RemoteState.Serialize(Sample("c", "a", "b")));
    }

    [Fact]
    public void Local_file_times_are_not_part_of_the_bucket_state()
    {
        var state = RemoteState.Deserialize(RemoteState.Serialize(Sample("a")))!;

        Assert.Equal(0, state.Entries["a"].LastWriteTicks);
        Assert.Equal(3, state.Deploys);
        Assert.Equal(new ObjectHeaders("text/css", "no-cache"), state.Entries["a"].Headers);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":99,\"entries\":{}}")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"entries\":{\"k\":null}}")]
    public void Unreadable_or_foreign_state_is_not_trusted(string json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(json));
        }

        Assert.Null(RemoteState.Deserialize(compressed.ToArray()));
        Assert.Null(RemoteState.Deserialize(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_bucket_state_keeps_only_what_a_listing_cannot_tell_and_is_compressed()
    {
        var snapshot = Sample(Enumerable.Range(0, 1000).Select(i => $"assets/file{i:0000}.css").ToArray());
        foreach (var key in snapshot.Entries.Keys.ToArray())
        {
            snapshot.Entries[key] = snapshot.Entries[key] with { Md5 = "e", ETag = "e" };
        }

        var body = RemoteState.Serialize(snapshot);
        var state = RemoteState.Deserialize(body)!;

        Assert.Null(state.Entries["assets/file0000.css"].Sha256);
        Assert.Null(state.Entries["assets/file0000.css"].Md5);
        Assert.Equal("e", state.Entries["assets/file0000.css"].ETag);
        Assert.InRange(body.Length, 1, 20 * 1000);
    }

    [Theory]
    [InlineData("site/", "site/.staticoffload/state.json", true)]
    [InlineData("site/", "site/.staticoffload/other", true)]
    [InlineData("site/", "site/x/.staticoffload/state.json", false)]
    [InlineData("", ".staticoffload/state.json", true)]
    [InlineData("", "site/.staticoffload/state.json", false)]
    public void Only_the_folder_right_below_the_prefix_is_reserved(string prefix, string key, bool reserved) =>
        Assert.Equal(reserved, RemoteState.IsReserved(prefix, key));
}
