using System.Net.Sockets;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>
/// Path-style (http://host/bucket/key) or virtual-hosted (http://bucket.host/key) addressing. Virtual-hosted needs a
/// DNS name per bucket, which a local endpoint does not have: an IP literal cannot take a bucket label, and
/// "&lt;bucket&gt;.localhost" resolves only where the resolver follows RFC 6761 (not glibc's default files+dns).
/// </summary>
public static class BucketAddressing
{
    /// <summary>
    /// The user's StaticOffloadForcePathStyle when set; else the preset's; else path style for a local endpoint (an
    /// IP literal, localhost or *.localhost, in any case), so a local store works with the default AWS preset.
    /// </summary>
    public static bool UsePathStyle(bool? configured, ProviderPreset preset, string? serviceUrl) =>
        configured ?? (preset.ForcePathStyle || IsLocalEndpoint(serviceUrl));

    private static bool IsLocalEndpoint(string? serviceUrl)
    {
        if (string.IsNullOrWhiteSpace(serviceUrl) || !Uri.TryCreate(serviceUrl.Trim(), UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return true;
        }

        var host = uri.IdnHost.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// An endpoint that could not be reached because the bucket's own host name does not resolve, under
    /// virtual-hosted addressing to a ServiceUrl, gets an SO1006 that says so and names the fix; any other failure is
    /// returned as it is.
    /// </summary>
    public static SyncFailedException Explain(SyncFailedException failure, Exception cause, S3Destination destination)
    {
        if (failure.Diagnostic.Code != Messages.EndpointUnreachableCode || destination.ForcePathStyle
            || string.IsNullOrEmpty(destination.ServiceUrl) || NameResolutionFailure(cause) is not { } reason
            || !Uri.TryCreate(destination.ServiceUrl, UriKind.Absolute, out var uri))
        {
            return failure;
        }

        var endpoint = ServiceEndpoint.Display(destination.ServiceUrl);
        return new SyncFailedException(
            Messages.BucketHostUnresolved(destination.Describe(), destination.Bucket, $"{destination.Bucket}.{uri.IdnHost}", reason, endpoint),
            cause);
    }

    private static string? NameResolutionFailure(Exception ex) =>
        S3Errors.FindInChain(ex, e => e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
                                      || e is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain })
            is { } failure
            ? S3Errors.Innermost(failure).Message
            : null;
}
