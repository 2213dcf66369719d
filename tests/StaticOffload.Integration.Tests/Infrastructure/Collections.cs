namespace StaticOffload.Tests.Infrastructure;

// xUnit runs these collections in parallel (as many at once as the machine has cores) and the tests of one
// collection one after another. Each collection has its own server process, so a test that floods its server (Scale)
// or parses its request log never slows another collection's. The package is packed once per test process
// (PackageFeedFixture), whichever collection asks first. The split keeps CPU-heavy publishes apart from tests that
// mostly wait (timeouts, latency), so the two lanes of a 2-core machine overlap work with waiting.

/// <summary>The default server and the package: real `dotnet publish` runs of the samples.</summary>
[CollectionDefinition(Name)]
public sealed class SyncCollection : ICollectionFixture<S3ServerFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "S3 server and package";
}

/// <summary>Publishes that meet faults, silence and signals: slow by design, timed, kept out of the main publish lane.</summary>
[CollectionDefinition(Name)]
public sealed class PublishFaultsCollection : ICollectionFixture<S3ServerFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "S3 server and package: faults and signals";
}

/// <summary>The Blazor WebAssembly publish: the longest single test, on its own lane.</summary>
[CollectionDefinition(Name)]
public sealed class BlazorCollection : ICollectionFixture<S3ServerFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "S3 server and package: Blazor";
}

/// <summary>The engine against the default server, without MSBuild: many short tests, mostly waiting on the network.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "S3 server: engine";
}

/// <summary>Very many files against a server of their own: its request log grows by hundreds of thousands of lines.</summary>
[CollectionDefinition(Name)]
public sealed class ScaleCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "S3 server: scale";
}

/// <summary>s3rver and the package, for the Compatible provider preset.</summary>
[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "s3rver and package";
}

/// <summary>moto's server: for S3 semantics the default test server does not keep (no publish, so no package).</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto server";
}

/// <summary>moto's server and the package: real publishes where S3's conditional writes and object versions matter.</summary>
[CollectionDefinition(Name)]
public sealed class MotoPublishCollection : ICollectionFixture<MotoServerFixture>, ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "moto server and package";
}
