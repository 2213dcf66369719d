using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using StaticOffload.Diagnostics;

namespace StaticOffload.Storage.S3;

/// <summary>What a failed request carried that its error is read against.</summary>
/// <param name="Bucket">The bucket the request went to.</param>
/// <param name="Region">The region the request was signed for, when known.</param>
/// <param name="Acl">The canned ACL the request carried, if any.</param>
public sealed record RequestFacts(string Bucket, string? Region, string? Acl = null);

/// <summary>Turns SDK exceptions (after the SDK's own retries) into coded diagnostics that say what to do.</summary>
public static partial class S3Errors
{
    /// <summary>The response header with which S3 names a bucket's region on a redirect or a region mismatch.</summary>
    private const string BucketRegionHeader = "x-amz-bucket-region";

    public static SyncFailedException ToFailure(Exception ex, string destination, string key, RequestFacts? facts = null)
    {
        if (ex is SyncFailedException failure)
        {
            return failure;
        }

        var bucket = facts?.Bucket ?? "";
        var diagnostic = ex switch
        {
            _ when Find<EndpointTimeoutException>(ex) is { } silent => Messages.EndpointTimeout(destination, silent.Limit),
            AmazonS3Exception s3 when IsRegionMismatch(s3, out var actual) =>
                Messages.WrongRegion(destination, bucket, s3.ErrorCode ?? $"{(int)s3.StatusCode}", facts?.Region, actual),
            AmazonS3Exception { ErrorCode: "AccessControlListNotSupported" } when facts?.Acl is { } acl =>
                Messages.AclsDisabled(key, acl, destination, bucket),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden, ErrorCode: "AccessDenied" } when facts?.Acl is { } acl && IsPublic(acl) =>
                Messages.PublicAclBlocked(key, acl, destination, bucket),
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

    /// <summary>The canned ACLs that Block Public Access refuses: grants to everyone or to every AWS account.</summary>
    public static bool IsPublic(string acl) =>
        acl.Trim().ToLowerInvariant() is "public-read" or "public-read-write" or "authenticated-read";

    /// <summary>
    /// S3's answers for a bucket in another region: 301 PermanentRedirect (sent to another regional endpoint), or
    /// AuthorizationHeaderMalformed naming the bucket's region (signed for another region). The region comes from the
    /// x-amz-bucket-region header or from S3's message ("the region 'us-east-1' is wrong; expecting 'eu-west-1'"), when
    /// S3 gave one (the SDK keeps the error document's Region element to itself).
    /// </summary>
    private static bool IsRegionMismatch(AmazonS3Exception s3, out string? actual)
    {
        var header = (s3.InnerException as Amazon.Runtime.Internal.HttpErrorResponseException)?.Response is { } response
                     && response.IsHeaderPresent(BucketRegionHeader)
            ? response.GetHeaderValue(BucketRegionHeader)
            : null;
        var expecting = s3.Message is { } message ? ExpectedRegion().Match(message) : null;
        actual = Plain(header) ?? (expecting is { Success: true } ? Plain(expecting.Groups[1].Value) : null);
        return s3.ErrorCode is "PermanentRedirect" or "IllegalLocationConstraintException"
               || s3.StatusCode == HttpStatusCode.MovedPermanently
               || (s3.ErrorCode == "AuthorizationHeaderMalformed" && actual is not null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("expecting '([a-z0-9-]{1,32})'")]
    private static partial System.Text.RegularExpressions.Regex ExpectedRegion();

    /// <summary>A region name as S3 sends it, or null for anything else (the value ends up in a message).</summary>
    private static string? Plain(string? region) =>
        region is { Length: > 0 and <= 32 } && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? region
            : null;

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
