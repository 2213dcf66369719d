using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Engine;

/// <summary>
/// The ranged, parallel listing of a fresh clone against moto, the second S3 implementation: what it lists decides what
/// is deleted, so it must see every object once on both.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class FreshCloneListingOnMotoTests(MotoServerFixture moto)
{
    [Fact]
    public async Task A_fresh_clone_of_a_bucket_of_several_pages_sees_every_object_once_and_deletes_exactly_the_extra_ones()
    {
        var bucket = await moto.CreateBucketAsync("fresh-clone-ranges");
        await SyncEngineTests.FreshCloneOfSeveralPagesAsync(moto, bucket);
    }
}
