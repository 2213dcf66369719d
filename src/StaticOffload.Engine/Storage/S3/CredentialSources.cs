using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// Says in plain words where credentials were looked for (the SDK's default chain, in its order) and which source
/// supplied them: SO1027 when none did, SO1028 when the store refused them. Never a secret; an access key id only
/// as its last four characters.
/// </summary>
public static class CredentialSources
{
    // The source each destination's client got its credentials from, for SO1028: the error is mapped far from where
    // the client was built, and only the destination's description travels with it.
    private static readonly ConcurrentDictionary<string, string> Supplied = new(StringComparer.Ordinal);

    /// <summary>Error codes with which S3 (and S3-compatible stores) refuse the credentials themselves.</summary>
    public static bool IsRejection(string? errorCode) => errorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch"
        or "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired" or "InvalidClientTokenId" or "ExpiredTokenException"
        or "AuthorizationHeaderMalformed" or "InvalidSecurity";

    public static void Record(string destination, string source) => Supplied[destination] = source;

    public static string SuppliedTo(string destination) =>
        Supplied.TryGetValue(destination, out var source) ? source : "the SDK's default credential chain";

    /// <summary>The source of credentials the default chain (or a named profile) returned.</summary>
    public static string Describe(AWSCredentials credentials, string? profile)
    {
        var key = credentials is BasicAWSCredentials or SessionAWSCredentials or EnvironmentVariablesAWSCredentials
            ? Mask(credentials.GetCredentials().AccessKey)
            : null;
        var keyText = key is null ? "" : $", access key id {key}";
        if (!string.IsNullOrWhiteSpace(profile))
        {
            return $"profile '{profile}' (StaticOffloadProfile) in {CredentialsFile} or {ConfigFile}{keyText}";
        }

        return credentials switch
        {
            EnvironmentVariablesAWSCredentials => $"environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY{(Set("AWS_SESSION_TOKEN") ? " / AWS_SESSION_TOKEN" : "")}{keyText}",
            AssumeRoleWithWebIdentityCredentials => $"web identity (AWS_WEB_IDENTITY_TOKEN_FILE={Env("AWS_WEB_IDENTITY_TOKEN_FILE")}, AWS_ROLE_ARN={Env("AWS_ROLE_ARN")})",
            GenericContainerCredentials => "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
            InstanceProfileAWSCredentials => "the EC2 instance role (instance metadata)",
            SSOAWSCredentials => $"AWS SSO of profile '{DefaultProfile}' in {ConfigFile}",
            _ when credentials.GetType().Name.Contains("InstanceProfile", StringComparison.Ordinal) => "the EC2 instance role (instance metadata)",
            _ => $"profile '{DefaultProfile}' in {CredentialsFile} or {ConfigFile}{keyText}",
        };
    }

    /// <summary>SO1027: every source of the chain, what was found there, and the fixes.</summary>
    public static SyncFailedException Missing(string destination)
    {
        var parts = new List<string>();
        var id = Set("AWS_ACCESS_KEY_ID");
        var secret = Set("AWS_SECRET_ACCESS_KEY");
        parts.Add("environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: " + (id, secret) switch
        {
            (false, false) => "not set",
            (true, false) => "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            (false, true) => "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            _ => "set, but not usable",
        });

        var profileWhy = Set("AWS_PROFILE") ? "named by AWS_PROFILE" : "AWS_PROFILE not set, StaticOffloadProfile empty";
        var profileFound = new CredentialProfileStoreChain().TryGetProfile(DefaultProfile, out _);
        parts.Add($"profile '{DefaultProfile}' ({profileWhy}) in {FileState(CredentialsFile)} and {FileState(ConfigFile)}: "
                  + (profileFound ? "found, but it gave no credentials" : "not found"));

        if (Set("AWS_WEB_IDENTITY_TOKEN_FILE"))
        {
            var tokenFile = Env("AWS_WEB_IDENTITY_TOKEN_FILE")!;
            parts.Add($"web identity: token file {FileState(tokenFile)}, AWS_ROLE_ARN {(Set("AWS_ROLE_ARN") ? "set" : "not set")}: no credentials");
        }

        var container = new[] { "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" }.Where(Set).ToArray();
        if (container.Length > 0)
        {
            parts.Add($"container credentials ({string.Join(", ", container)} set): no credentials");
        }

        parts.Add(string.Equals(Env("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)
            ? "EC2 instance metadata: disabled (AWS_EC2_METADATA_DISABLED=true)"
            : "EC2 instance metadata: no instance role answered");

        return new SyncFailedException(Messages.CredentialsMissing(destination, parts));
    }

    /// <summary>SO1028: which source supplied the refused credentials, and the fixes.</summary>
    public static Diagnostic Rejected(string destination, string errorCode) =>
        Messages.CredentialsRejected(destination, errorCode, SuppliedTo(destination));

    internal static string Mask(string? accessKey) =>
        string.IsNullOrEmpty(accessKey) ? "(empty)" : accessKey.Length <= 4 ? "…" : "…" + accessKey[^4..];

    private static string DefaultProfile => Env("AWS_PROFILE") is { Length: > 0 } named ? named : "default";

    private static string CredentialsFile => Env("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } file
        ? file
        : Path.Combine(Home, ".aws", "credentials");

    private static string ConfigFile => Env("AWS_CONFIG_FILE") is { Length: > 0 } file
        ? file
        : Path.Combine(Home, ".aws", "config");

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string FileState(string path) => File.Exists(path) ? path : $"{path} (no such file)";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name);

    private static bool Set(string name) => !string.IsNullOrWhiteSpace(Env(name));
}
