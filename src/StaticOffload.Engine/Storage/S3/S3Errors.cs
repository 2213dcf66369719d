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
            _ when Find<EndpointTimeoutException>(ex) is { } silent => Diagnostic.Error(DiagnosticCodes.EndpointTimeout,
                $"{destination}: the endpoint sent and received nothing for {silent.Limit.TotalSeconds:0.#} s (StaticOffloadTimeout), so the sync stopped; what completed is recorded. Check that StaticOffloadServiceUrl / StaticOffloadRegion point at a running S3 endpoint reachable from here (a proxy or firewall that accepts connections and never answers looks like this); if the store is just slow, raise StaticOffloadTimeout (seconds)."),
            AmazonServiceException service when CredentialSources.IsRejection(service.ErrorCode) =>
                CredentialSources.Rejected(destination, service.ErrorCode),
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => Diagnostic.Error(DiagnosticCodes.BucketNotFound,
                $"The bucket of {destination} does not exist. Create it first, or fix StaticOffloadBucket (and StaticOffloadRegion / StaticOffloadServiceUrl if it lives elsewhere)."),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 => Diagnostic.Error(DiagnosticCodes.AccessDenied,
                $"Access denied ({s3.ErrorCode}) on '{key}' in {destination}. The credentials in use need s3:ListBucket on the bucket and s3:PutObject, s3:GetObject, s3:DeleteObject (and s3:PutObjectAcl when an Acl is set) on its objects; check StaticOffloadProfile or the AWS_* environment."),
            AmazonS3Exception s3 => Diagnostic.Error(DiagnosticCodes.RequestFailed,
                $"S3 refused the request for '{key}' in {destination}: {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}"),
            _ when IsUnreachable(ex) => Diagnostic.Error(DiagnosticCodes.EndpointUnreachable,
                $"Could not reach {destination} after retries ({Innermost(ex).Message}). Check StaticOffloadServiceUrl / StaticOffloadRegion and the network."),
            _ => Diagnostic.Error(DiagnosticCodes.RequestFailed,
                $"The request for '{key}' in {destination} failed: {Innermost(ex).GetType().Name}: {Innermost(ex).Message}"),
        };
        return new SyncFailedException(diagnostic, ex);
    }

    /// <summary>A failure that a retry cannot mend: no credentials, credentials refused, an endpoint that answers nothing.</summary>
    public static bool IsFinal(SyncFailedException ex) =>
        ex.Diagnostic.Code is DiagnosticCodes.EndpointTimeout or DiagnosticCodes.CredentialsMissing or DiagnosticCodes.CredentialsRejected;

    private static bool IsUnreachable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or TimeoutException
                || e is AmazonServiceException { StatusCode: 0 })
            {
                return true;
            }
        }

        return false;
    }

    private static T? Find<T>(Exception ex)
        where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
