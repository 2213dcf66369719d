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
    public void Unreadable_or_foreign_state_is_not_trusted(string body) =>
        Assert.Null(RemoteState.Deserialize(System.Text.Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("site/", "site/.staticoffload/state.json", true)]
    [InlineData("site/", "site/.staticoffload/other", true)]
    [InlineData("site/", "site/x/.staticoffload/state.json", false)]
    [InlineData("", ".staticoffload/state.json", true)]
    [InlineData("", "site/.staticoffload/state.json", false)]
    public void Only_the_folder_right_below_the_prefix_is_reserved(string prefix, string key, bool reserved) =>
        Assert.Equal(reserved, RemoteState.IsReserved(prefix, key));
}
