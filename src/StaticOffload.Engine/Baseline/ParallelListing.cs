using System.Runtime.ExceptionServices;
using StaticOffload.Storage;

namespace StaticOffload.Baseline;

/// <summary>
/// Lists a prefix in the ranges <see cref="ListingRanges"/> defines, several pages in flight: 100,000 keys are 100
/// pages, and one after another they cost 100 round trips. The first page is read alone: a bucket it holds whole (a
/// first upload, a small site) costs one request, as before.
/// </summary>
public static class ParallelListing
{
    /// <summary>One page of the listing (<see cref="IObjectStore.ListPageAsync"/> for one prefix).</summary>
    public delegate Task<ListingPage> PageSource(string? startAfter, string? continuationToken, CancellationToken cancellationToken);

    /// <param name="boundaries">From <see cref="ListingRanges.Boundaries"/>; none lists page after page.</param>
    /// <param name="listed">Told, from any thread, of the objects as each page of a range is placed (a key can come twice).</param>
    public static async Task<IReadOnlyList<RemoteObject>> ListAsync(PageSource listPage, IReadOnlyList<string> boundaries, int parallelism,
        CancellationToken cancellationToken, Action<IReadOnlyList<RemoteObject>>? listed = null)
    {
        var first = await listPage(null, null, cancellationToken).ConfigureAwait(false);
        if (first.ContinuationToken is null)
        {
            listed?.Invoke(first.Objects);
            return first.Objects;
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(Math.Max(1, parallelism));
        var firstPages = new Task<ListingPage>[boundaries.Count + 1];
        firstPages[0] = Task.FromResult(first);
        for (var i = 1; i < firstPages.Length; i++)
        {
            firstPages[i] = FetchAsync(boundaries[i - 1], null);
        }

        var ranges = Enumerable.Range(0, firstPages.Length).Select(ListRangeAsync).ToArray();
        try
        {
            await Task.WhenAll(ranges).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The failure that stopped the others, not the cancellation it caused in them.
            var cause = ranges.Concat<Task>(firstPages).Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }

        return ListingRanges.Merge(ranges.Select(r => r.Result));

        async Task<ListingPage> FetchAsync(string? startAfter, string? continuationToken)
        {
            await slots.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                return await listPage(startAfter, continuationToken, failed.Token).ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                slots.Release();
            }
        }

        async Task<IReadOnlyList<RemoteObject>> ListRangeAsync(int index)
        {
            var page = await firstPages[index].ConfigureAwait(false);
            var last = index == boundaries.Count;
            var startAfter = index == 0 ? null : boundaries[index - 1];
            var end = last ? null : boundaries[index];
            var next = last ? null : (await firstPages[index + 1].ConfigureAwait(false)).Objects.FirstOrDefault()?.Key;
            var objects = new List<RemoteObject>(page.Objects.Count);
            while (true)
            {
                var (take, ended) = ListingRanges.Cut(page.Objects, end, next);
                var placed = take == page.Objects.Count ? page.Objects : page.Objects.Take(take).ToArray();
                objects.AddRange(placed);
                listed?.Invoke(placed);
                if (ended || page.ContinuationToken is null)
                {
                    return objects;
                }

                page = await FetchAsync(startAfter, page.ContinuationToken).ConfigureAwait(false);
            }
        }
    }
}
