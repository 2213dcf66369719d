using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// Builds the S3 client. Credentials and region follow the SDK's default chain (environment, profile, SSO,
/// web identity, instance role), exactly as the AWS CLI resolves them, unless a profile is named.
/// </summary>
public static class S3ClientFactory
{
    public static IAmazonS3 Create(S3Destination destination)
    {
        var (config, credentials) = Configure(destination);
        return new AmazonS3Client(credentials, config);
    }

    /// <summary>The credentials the S3 client of <paramref name="destination"/> uses, for the other AWS calls of a deploy (CloudFront).</summary>
    public static AWSCredentials Credentials(S3Destination destination) => Configure(destination).Credentials;

    /// <summary>
    /// Makes a configuration and throws it away: the first one in a build process pays ~27 ms for the SDK's static
    /// data, which <see cref="Create"/> then does not. No credentials are looked up and nothing is sent (a run that
    /// turns out to have nothing to send must not reach the instance metadata service for keys it never uses).
    /// </summary>
    public static void WarmUp(S3Destination destination) => _ = NewConfig(destination);

    private static AmazonS3Config NewConfig(S3Destination destination) => new()
    {
        ForcePathStyle = destination.ForcePathStyle,
        MaxConnectionsPerServer = destination.MaxConnections,
        // A deploy runs unattended: ride out throttling (503 SlowDown) and dropped connections longer than an
        // interactive client would. Standard mode backs off exponentially with jitter, so this stays bounded
        // (well under a minute per request).
        RetryMode = RequestRetryMode.Standard,
        MaxErrorRetry = 6,
        HttpClientFactory = new S3HttpClientFactory(destination.Timeout > TimeSpan.Zero ? destination.Timeout : S3Destination.DefaultTimeout),
    };

    private static (AmazonS3Config Config, AWSCredentials Credentials) Configure(S3Destination destination)
    {
        var config = NewConfig(destination);

        AWSCredentials? credentials = null;
        RegionEndpoint? profileRegion = null;
        if (!string.IsNullOrWhiteSpace(destination.Profile))
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(destination.Profile, out var profile)
                || !chain.TryGetAWSCredentials(destination.Profile, out credentials))
            {
                throw new SyncFailedException(Messages.ProfileNotFound(destination.Profile));
            }

            profileRegion = profile.Region;
        }

        var region = !string.IsNullOrWhiteSpace(destination.Region)
            ? RegionEndpoint.GetBySystemName(destination.Region.Trim())
            : profileRegion;

        if (!string.IsNullOrWhiteSpace(destination.ServiceUrl))
        {
            config.ServiceURL = destination.ServiceUrl;
            // Signing needs a region even for S3-compatible stores; most accept us-east-1 when they have none.
            config.AuthenticationRegion = region?.SystemName ?? destination.SigningRegion ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = region;
        }

        if (!destination.ChunkedUploads)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        // The getter reads an environment variable on every request when the value is not set; fixing it to what
        // it reads now keeps its meaning and takes that lookup out of every request.
        config.DisableMultiregionAccessPoints = config.DisableMultiregionAccessPoints;
        if (credentials is not null)
        {
            CredentialSources.Record(destination.Describe(), CredentialSources.Describe(credentials, destination.Profile));
        }

        credentials ??= ResolveOnce(config, destination.Describe());
        return (config, credentials);
    }

    /// <summary>
    /// The default chain, resolved once for the client's life instead of per request. Keys from the environment are
    /// read again on every request by the SDK (a scan of the whole environment each time, ~10% of the CPU of a
    /// 10,000-file upload); they cannot change under a running build, so they are taken once as fixed credentials.
    /// Credentials that expire (SSO, assume-role, instance role) stay the SDK's objects and keep refreshing.
    /// </summary>
    private static AWSCredentials ResolveOnce(AmazonS3Config config, string destination)
    {
        AWSCredentials resolved;
        try
        {
            resolved = DefaultAWSCredentialsIdentityResolver.GetCredentials(config);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException)
        {
            // No credentials anywhere. The SDK's own message spreads over many lines and names sources nobody set up
            // (a web-identity token file); this one says what was looked at and what to do, before any request.
            throw CredentialSources.Missing(destination);
        }

        CredentialSources.Record(destination, CredentialSources.Describe(resolved, null));

        if (resolved is not EnvironmentVariablesAWSCredentials)
        {
            return resolved;
        }

        var keys = resolved.GetCredentials();
        return keys.UseToken
            ? new SessionAWSCredentials(keys.AccessKey, keys.SecretKey, keys.Token)
            : new BasicAWSCredentials(keys.AccessKey, keys.SecretKey);
    }
}
