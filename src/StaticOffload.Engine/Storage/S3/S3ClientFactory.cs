using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
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
        var config = new AmazonS3Config
        {
            ForcePathStyle = destination.ForcePathStyle,
            MaxConnectionsPerServer = destination.MaxConnections,
            // A deploy runs unattended: ride out throttling (503 SlowDown) and dropped connections longer than an
            // interactive client would. Standard mode backs off exponentially with jitter, so this stays bounded
            // (well under a minute per request).
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 6,
        };

        AWSCredentials? credentials = null;
        RegionEndpoint? profileRegion = null;
        if (!string.IsNullOrWhiteSpace(destination.Profile))
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(destination.Profile, out var profile)
                || !chain.TryGetAWSCredentials(destination.Profile, out credentials))
            {
                throw new SyncFailedException(Diagnostic.Error(DiagnosticCodes.InvalidCredentialsConfig,
                    $"StaticOffloadProfile '{destination.Profile}' was not found in the AWS config or credentials file. Create it (aws configure --profile {destination.Profile}) or leave StaticOffloadProfile empty to use the default credential chain."));
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

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
