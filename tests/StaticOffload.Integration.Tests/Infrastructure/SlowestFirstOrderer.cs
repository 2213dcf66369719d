using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("StaticOffload.Tests.Infrastructure.SlowestFirstOrderer", "StaticOffload.Integration.Tests")]

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Starts the longest collections first, so the parallel lanes end together instead of one lane running the longest
/// collection alone at the end (longest-processing-time first). The order is by measured length; a collection not
/// listed runs after these.
/// </summary>
public sealed class SlowestFirstOrderer : ITestCollectionOrderer
{
    private static readonly string[] Slowest =
    [
        PublishFaultsCollection.Name, SyncCollection.Name, BlazorCollection.Name, S3rverCollection.Name,
        ScaleCollection.Name, EngineCollection.Name, MotoCollection.Name,
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => Array.IndexOf(Slowest, c.DisplayName) is var i and >= 0 ? i : Slowest.Length)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
