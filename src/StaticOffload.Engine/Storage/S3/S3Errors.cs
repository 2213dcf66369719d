using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>Turns SDK exceptions (after the SDK's own retries) into coded diagnostics that say what to do.</summary>
public static class S3Errors
{
    public static SyncFailedException ToFailure(Exception ex, string destination, string key)
    {
        if (ex is SyncFailedException failure)
        {
            return failure;
        }

        var diagnostic = ex switch
        {
            _ when Find<EndpointTimeoutException>(ex) is { } silent => Messages.EndpointTimeout(destination, silent.Limit),
            AmazonServiceException service when CredentialSources.IsRejection(service.ErrorCode) =>
                CredentialSources.Rejected(destination, service.ErrorCode),
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => Messages.BucketNotFound(destination),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 => Messages.AccessDenied(s3.ErrorCode, key, destination),
            AmazonS3Exception s3 => Messages.RequestRefused(key, destination, (int)s3.StatusCode, s3.ErrorCode, s3.Message),
            _ when IsUnreachable(ex) => Messages.EndpointUnreachable(destination, Innermost(ex).Message),
            _ => Messages.RequestFailed(key, destination, Innermost(ex)),
        };
        return new SyncFailedException(diagnostic, ex);
    }

    /// <summary>A failure that a retry cannot mend: no credentials, credentials refused, an endpoint that answers nothing.</summary>
    public static bool IsFinal(SyncFailedException ex) =>
        ex.Diagnostic.Code is Messages.EndpointTimeoutCode or Messages.CredentialsMissingCode or Messages.CredentialsRejectedCode;

    private static bool IsUnreachable(Exception ex) =>
        FindInChain(ex, e => e is HttpRequestException or SocketException or TimeoutException
                             || e is AmazonServiceException { StatusCode: 0 }) is not null;

    private static T? Find<T>(Exception ex)
        where T : Exception => (T?)FindInChain(ex, e => e is T);

    /// <summary>The first exception of <paramref name="ex"/>'s InnerException chain (itself included) that matches.</summary>
    internal static Exception? FindInChain(Exception ex, Func<Exception, bool> match)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (match(e))
            {
                return e;
            }
        }

        return null;
    }

    internal static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
