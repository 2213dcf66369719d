using StaticOffload.Diagnostics;
using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

public class CredentialSourcesTests
{
    [Theory]
    [InlineData("InvalidAccessKeyId", true)]
    [InlineData("SignatureDoesNotMatch", true)]
    [InlineData("ExpiredToken", true)]
    [InlineData("InvalidToken", true)]
    [InlineData("TokenRefreshRequired", true)]
    [InlineData("AccessDenied", false)]
    [InlineData("NoSuchBucket", false)]
    [InlineData(null, false)]
    public void Only_refusals_of_the_credentials_themselves_are_rejections(string? code, bool rejection) =>
        Assert.Equal(rejection, CredentialSources.IsRejection(code));

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "…MPLE")]
    [InlineData("abcd", "…")]
    [InlineData("", "(empty)")]
    public void An_access_key_id_shows_only_its_last_four_characters(string key, string shown) =>
        Assert.Equal(shown, CredentialSources.Mask(key));

    [Fact]
    public void A_rejection_names_the_source_recorded_for_the_destination_and_the_fix()
    {
        const string destination = "s3://credential-sources-test/site/ at http://127.0.0.1:1";
        CredentialSources.Record(destination, "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, access key id …MPLE");

        var diagnostic = CredentialSources.Rejected(destination, "InvalidAccessKeyId");

        Assert.Equal(Messages.CredentialsRejectedCode, diagnostic.Code);
        Assert.Contains("environment variables AWS_ACCESS_KEY_ID", diagnostic.Message);
        Assert.Contains("…MPLE", diagnostic.Message);
        Assert.Contains("StaticOffloadProfile", diagnostic.Message);
        Assert.DoesNotContain('\n', diagnostic.Message);
    }
}
