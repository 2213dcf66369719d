using StaticOffload.Baseline;
using StaticOffload.Keys;
using StaticOffload.Storage;

namespace StaticOffload.Tests.Baseline;

public class ParallelListingTests
{
    private const int PageSize = 5;

    private static string[] Keys(int count, string prefix = "site/f") => Enumerable.Range(0, count).Select(i => $"{prefix}{i:000}").ToArray();

    private static async Task<IReadOnlyList<RemoteObject>> ListAsync(FakeBucket bucket, IEnumerable<string> local, int parallelism = 4) =>
        await ParallelListing.ListAsync(bucket.PageAsync, ListingRanges.Boundaries(local, PageSize), parallelism, CancellationToken.None);

    [Fact]
    public async Task A_bucket_holding_the_local_keys_is_listed_one_page_per_range_each_key_once()
    {
        var keys = Keys(42);
        var bucket = new FakeBucket(keys);

        var listed = await ListAsync(bucket, keys);

        Assert.Equal(keys, listed.Select(o => o.Key));
        // As many pages as listing one after another: ceil(42 / 5).
        Assert.Equal(9, bucket.Requests);
    }

    [Fact]
    public async Task An_empty_bucket_or_one_page_costs_one_request()
    {
        var empty = new FakeBucket([]);
        Assert.Empty(await ListAsync(empty, Keys(42)));
        Assert.Equal(1, empty.Requests);

        var small = new FakeBucket(Keys(PageSize));
        Assert.Equal(Keys(PageSize), (await ListAsync(small, Keys(42))).Select(o => o.Key));
        Assert.Equal(1, small.Requests);
    }

    [Fact]
    public async Task Keys_the_bucket_has_and_this_machine_does_not_are_listed_too()
    {
        var local = Keys(30);
        // Missing: every boundary key and a few others; extra: before the first key, between keys, after the last,
        // and 12 in one range, so that range takes more than one page.
        var bucketKeys = local.Where((_, i) => i % 5 != 4 && i != 7)
            .Concat(["a", "site/f003x", "site/f010a", "site/f029z", "zz"])
            .Concat(Enumerable.Range(0, 12).Select(i => $"site/f014-{i:00}"))
            .ToArray();
        var bucket = new FakeBucket(bucketKeys);

        var listed = await ListAsync(bucket, local);

        Assert.Equal(bucketKeys.Order(S3KeyOrder.Instance), listed.Select(o => o.Key));
    }

    [Fact]
    public async Task A_range_that_ends_on_a_page_boundary_stops_there()
    {
        // Range 0 is the first 5 keys; the bucket has 5 more before the boundary, so range 0 is exactly two pages.
        var local = Keys(20);
        var bucketKeys = local.Concat(Enumerable.Range(0, 5).Select(i => $"site/f000-{i}")).ToArray();
        var bucket = new FakeBucket(bucketKeys);

        var listed = await ListAsync(bucket, local);

        Assert.Equal(bucketKeys.Order(S3KeyOrder.Instance), listed.Select(o => o.Key));
        Assert.Equal(5, bucket.Requests);
    }

    [Fact]
    public async Task Odd_keys_in_a_store_with_another_order_are_each_listed_once()
    {
        // Keys whose UTF-16 order differs from S3's: the boundaries are in S3's order, this store lists in UTF-16's.
        string[] odd = ["\ue000", "\uffef", "\ud83d\ude00", "\ud800\udc00", "\u00e9", "A", "a", "a b", "a+b", "%41", "\u0001"];
        var local = odd.SelectMany(k => Enumerable.Range(0, 4).Select(i => $"p/{k}{i}")).ToArray();
        var bucketKeys = local.Where((_, i) => i % 3 != 0).Concat(odd.Select(k => $"p/{k}x")).ToArray();
        var bucket = new FakeBucket(bucketKeys, StringComparer.Ordinal);

        var listed = await ListAsync(bucket, local);

        Assert.Equal(bucketKeys.Order(StringComparer.Ordinal), listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Equal(bucketKeys.Length, listed.Select(o => o.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_store_that_ignores_StartAfter_is_still_listed_whole_and_once()
    {
        var keys = Keys(23);
        var bucket = new FakeBucket(keys) { IgnoresStartAfter = true };

        var listed = await ListAsync(bucket, keys);

        Assert.Equal(keys, listed.Select(o => o.Key));
    }

    [Fact]
    public async Task Random_buckets_and_local_keys_are_always_covered_exactly_once()
    {
        var random = new Random(15);
        for (var run = 0; run < 200; run++)
        {
            var universe = Keys(random.Next(0, 80), "k");
            var local = universe.Where(_ => random.Next(3) > 0).ToArray();
            var bucketKeys = universe.Where(_ => random.Next(3) > 0).ToArray();
            var bucket = new FakeBucket(bucketKeys) { IgnoresStartAfter = random.Next(10) == 0 };

            var listed = await ListAsync(bucket, local, parallelism: random.Next(1, 6));

            Assert.Equal(bucketKeys, listed.Select(o => o.Key));
        }
    }

    [Fact]
    public async Task No_more_pages_are_in_flight_than_asked()
    {
        var keys = Keys(200);
        var bucket = new FakeBucket(keys) { Delay = TimeSpan.FromMilliseconds(2) };

        await ListAsync(bucket, keys, parallelism: 3);

        Assert.InRange(bucket.MaxInFlight, 2, 3);
        Assert.Equal(40, bucket.Requests);
    }

    [Fact]
    public async Task A_page_that_fails_fails_the_listing_with_its_own_error()
    {
        var keys = Keys(60);
        var bucket = new FakeBucket(keys) { FailAfter = "site/f029" };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ListAsync(bucket, keys));
        Assert.Equal("site/f029", error.Message);
    }

    /// <summary>A bucket listed in the order <paramref name="order"/> (S3's unless given), five keys a page.</summary>
    private sealed class FakeBucket(IEnumerable<string> keys, IComparer<string>? order = null)
    {
        private readonly IComparer<string> _order = order ?? S3KeyOrder.Instance;
        private readonly string[] _keys = keys.Order(order ?? S3KeyOrder.Instance).ToArray();
        private int _inFlight;
        private int _requests;
        private int _maxInFlight;

        public bool IgnoresStartAfter { get; init; }

        public TimeSpan Delay { get; init; }

        public string? FailAfter { get; init; }

        public int Requests => _requests;

        public int MaxInFlight => _maxInFlight;

        public async Task<ListingPage> PageAsync(string? startAfter, string? continuationToken, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var inFlight = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, inFlight);
            try
            {
                await Task.Delay(Delay, cancellationToken);
                if (FailAfter is not null && startAfter == FailAfter)
                {
                    throw new InvalidOperationException(FailAfter);
                }

                var start = continuationToken is not null ? int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture)
                    : startAfter is null || IgnoresStartAfter ? 0
                    : _keys.Count(k => _order.Compare(k, startAfter) <= 0);
                var page = _keys.Skip(start).Take(PageSize).Select(k => new RemoteObject(k, k.Length, "etag")).ToArray();
                var next = start + PageSize < _keys.Length ? (start + PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
                return new ListingPage(page, next);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
