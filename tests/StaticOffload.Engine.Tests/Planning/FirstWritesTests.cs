using StaticOffload.Execution;
using StaticOffload.Planning;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Planning;

public sealed class FirstWritesTests
{
    [Fact]
    public void The_first_write_of_a_run_goes_alone_then_the_rest_start_together()
    {
        var actions = new[] { Upload("a.css"), Upload("b.css"), Upload("c.css") };
        Assert.Equal(0, FirstWrites.Alone(actions, written: false, aclWritten: false));
        Assert.Equal(-1, FirstWrites.Alone(actions, written: true, aclWritten: false));
    }

    [Fact]
    public void The_first_write_with_an_acl_goes_alone_even_after_other_writes_and_is_preferred_as_the_first()
    {
        var actions = new[] { Upload("a.css"), Upload("b.html", "public-read"), Upload("c.html", "public-read") };
        Assert.Equal(1, FirstWrites.Alone(actions, written: false, aclWritten: false));
        Assert.Equal(1, FirstWrites.Alone(actions, written: true, aclWritten: false));
        Assert.Equal(-1, FirstWrites.Alone(actions, written: true, aclWritten: true));
        Assert.Equal("public-read", FirstWrites.Acl(actions[2]));
        Assert.Null(FirstWrites.Acl(actions[0]));
    }

    [Fact]
    public void The_write_that_goes_alone_is_the_one_that_sends_the_fewest_bytes()
    {
        var copy = new SyncAction(SyncActionKind.Copy, SyncReason.Duplicate, SyncPhase.Assets, "d.css",
            new LocalFile("d.css", "/tmp/d.css", 900, 0, null, new ObjectHeaders("text/plain"), false), null);
        // In plan order: the largest upload first.
        Assert.Equal(1, FirstWrites.Alone([Upload("a.mp4", size: 80_000_000), Upload("b.css", size: 10), Upload("c.css", size: 10)],
            written: false, aclWritten: false));
        Assert.Equal(2, FirstWrites.Alone([Upload("a.css", size: 5000), Upload("b.css", size: 10), copy], written: false, aclWritten: false));
        Assert.Equal(2, FirstWrites.Alone([Upload("a.html", "public-read", 700), Upload("b.css", size: 5), Upload("c.html", "public-read", 60)],
            written: false, aclWritten: false));
    }

    [Fact]
    public void A_single_action_needs_no_ordering()
    {
        Assert.Equal(-1, FirstWrites.Alone([Upload("a.html", "public-read")], written: false, aclWritten: false));
        Assert.Equal(-1, FirstWrites.Alone([], written: false, aclWritten: false));
    }

    private static SyncAction Upload(string key, string? acl = null, long size = 1) => new(SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets, key,
        new LocalFile(key, "/tmp/" + key, size, 0, null, new ObjectHeaders("text/plain", Acl: acl), false), null);
}
