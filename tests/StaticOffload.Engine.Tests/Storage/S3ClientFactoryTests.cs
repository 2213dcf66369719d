using StaticOffload.Diagnostics;
using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

/// <summary>Getting ready for a deploy that may not come looks up no credentials: that is the client's first request's.</summary>
public class S3ClientFactoryTests
{
    private static readonly S3Destination NoSuchProfile = new()
    {
        Bucket = "site", ServiceUrl = "http://127.0.0.1:9", ForcePathStyle = true, Profile = $"no-such-profile-{Guid.NewGuid():N}",
    };

    [Fact]
    public void WarmUp_makes_a_configuration_without_looking_up_credentials()
    {
        // The same destination fails to make a client: its credentials' profile does not exist.
        var failure = Assert.Throws<SyncFailedException>(() => S3ClientFactory.Create(NoSuchProfile));
        Assert.Contains(NoSuchProfile.Profile!, failure.Diagnostic.Message, StringComparison.Ordinal);

        S3ClientFactory.WarmUp(NoSuchProfile);
    }

    [Fact]
    public async Task A_store_that_got_ready_still_reports_what_its_first_request_meets()
    {
        using var store = new S3ObjectStore(NoSuchProfile);

        store.Prepare();
        store.Prepare();

        var failure = await Assert.ThrowsAsync<SyncFailedException>(() => store.CheckAccessAsync("", CancellationToken.None));
        Assert.Contains(NoSuchProfile.Profile!, failure.Diagnostic.Message, StringComparison.Ordinal);
    }
}
