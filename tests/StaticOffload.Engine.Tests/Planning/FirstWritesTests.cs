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
    public void A_single_action_needs_no_ordering()
    {
        Assert.Equal(-1, FirstWrites.Alone([Upload("a.html", "public-read")], written: false, aclWritten: false));
        Assert.Equal(-1, FirstWrites.Alone([], written: false, aclWritten: false));
    }

    private static SyncAction Upload(string key, string? acl = null) => new(SyncActionKind.Upload, SyncReason.New, SyncPhase.Assets, key,
        new LocalFile(key, "/tmp/" + key, 1, 0, null, new ObjectHeaders("text/plain", Acl: acl), false), null);
}
