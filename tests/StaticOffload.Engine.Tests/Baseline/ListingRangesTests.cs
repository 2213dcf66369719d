using StaticOffload.Baseline;
using StaticOffload.Storage;

namespace StaticOffload.Tests.Baseline;

public class ListingRangesTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(1000, 333)]
    public void One_boundary_per_full_page_of_keys_followed_by_more(int keys, int boundaries)
    {
        Assert.Equal(boundaries, ListingRanges.Boundaries(Enumerable.Range(0, keys).Select(i => $"k{i:0000}"), pageSize: 3).Count);
    }

    [Fact]
    public void Boundaries_are_every_page_size_th_key_in_S3_order()
    {
        // Given in no order, one twice; U+E000 sorts before the surrogate pair in S3's order, after it in UTF-16's.
        string[] keys = ["c", "a", "\ud83d\ude00", "b", "\ue000", "a", "d", "e"];
        Assert.Equal(["b", "d", "\ue000"], ListingRanges.Boundaries(keys, pageSize: 2));
        Assert.Equal(["c", "\ue000"], ListingRanges.Boundaries(keys, pageSize: 3));
    }

    [Fact]
    public void Default_boundaries_are_a_listing_page_apart()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => $"site/f{i:00000}").ToArray();
        Assert.Equal(["site/f00999", "site/f01999"], ListingRanges.Boundaries(keys));
    }

    [Theory]
    // The page holds the range's boundary: it is the range's last key.
    [InlineData("a b c d", "c", null, 3, true)]
    // The boundary is not in the bucket: the range ends where the next range's first key is.
    [InlineData("a b d e", "c", "d", 2, true)]
    [InlineData("a b d e", "c", "a", 0, true)]
    // Neither in this page: all of it is the range's, and the range goes on.
    [InlineData("a b", "c", "d", 2, false)]
    [InlineData("a b", "c", null, 2, false)]
    // The last range keeps everything.
    [InlineData("x y", null, null, 2, false)]
    [InlineData("", "c", "d", 0, false)]
    public void Cut_keeps_what_belongs_to_the_range(string page, string? end, string? next, int take, bool ended)
    {
        var objects = page.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(k => new RemoteObject(k, 1, "e")).ToArray();
        Assert.Equal((take, ended), ListingRanges.Cut(objects, end, next));
    }

    [Fact]
    public void Merge_keeps_range_order_and_each_key_once()
    {
        RemoteObject O(string key, long size = 1) => new(key, size, "e");
        var merged = ListingRanges.Merge([[O("a"), O("b")], [], [O("b", 2), O("c")]]);
        Assert.Equal(["a", "b", "c"], merged.Select(o => o.Key));
        Assert.Equal(1, merged[1].Size);
    }
}
