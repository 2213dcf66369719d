using StaticOffload.Keys;
using StaticOffload.Storage;

namespace StaticOffload.Baseline;

/// <summary>
/// One listing of a prefix split into ranges that are listed side by side: range <c>i</c> starts after boundary
/// <c>i-1</c> (<c>StartAfter</c>; the first range at the start) and ends at boundary <c>i</c> (the last range at the end
/// of the listing). The boundaries are local keys, a page apart in S3's order, so where the bucket holds what is here
/// each range is one page. Which keys a range keeps never depends on an order the store is assumed to have: a range
/// ends where the next one began — at its boundary key, which the next range starts right after, or at the first key
/// the next range was given — or at the end of the listing. So the ranges together hold every key exactly once, keys
/// the bucket has and this machine does not included, whatever order the store lists in, and even when it ignores
/// <c>StartAfter</c> (then the last range lists everything). The order only decides how even the ranges are.
/// </summary>
public static class ListingRanges
{
    /// <summary>The most keys S3 returns in one listing page.</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// Pages in flight at once: enough to hide a page's round trip, few enough not to crowd the uploads' connections
    /// or S3's request rate for the prefix.
    /// </summary>
    public const int MaxParallelPages = 8;

    /// <summary>
    /// Every <paramref name="pageSize"/>-th key in S3's order (UTF-8 bytes), as long as keys follow it: N keys give
    /// ceil(N / pageSize) ranges, none when one page holds them all.
    /// </summary>
    public static IReadOnlyList<string> Boundaries(IEnumerable<string> keys, int pageSize = PageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var sorted = keys.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(sorted, S3KeyOrder.Instance);
        var boundaries = new List<string>(sorted.Length / pageSize);
        for (var i = pageSize - 1; i < sorted.Length - 1; i += pageSize)
        {
            boundaries.Add(sorted[i]);
        }

        return boundaries;
    }

    /// <summary>How many objects of one page of a range belong to it, and whether the range ends in this page.</summary>
    /// <param name="end">The range's boundary: it belongs to the range and the next range starts right after it. Null for the last range.</param>
    /// <param name="next">The first key the next range was given: from there on the keys are the next range's. Null when it was given none.</param>
    public static (int Take, bool Ended) Cut(IReadOnlyList<RemoteObject> page, string? end, string? next)
    {
        for (var i = 0; i < page.Count; i++)
        {
            var key = page[i].Key;
            if (key == next)
            {
                return (i, true);
            }

            if (key == end)
            {
                return (i + 1, true);
            }
        }

        return (page.Count, false);
    }

    /// <summary>
    /// The ranges' objects in range order, each key once: a store whose order disagrees with the boundaries' can give
    /// two ranges the same key.
    /// </summary>
    public static IReadOnlyList<RemoteObject> Merge(IEnumerable<IReadOnlyList<RemoteObject>> ranges)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var objects = new List<RemoteObject>();
        foreach (var range in ranges)
        {
            foreach (var o in range)
            {
                if (seen.Add(o.Key))
                {
                    objects.Add(o);
                }
            }
        }

        return objects;
    }
}
