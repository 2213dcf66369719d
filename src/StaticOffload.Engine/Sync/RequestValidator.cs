using System.Text;
using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Rules;

namespace StaticOffload.Sync;

/// <summary>Checks everything a user can get wrong before a single request is sent.</summary>
public static class RequestValidator
{
    public static IReadOnlyList<Diagnostic> Validate(SyncRequest request)
    {
        var problems = new List<Diagnostic>();
        if (ObjectKeys.ValidateBucket(request.Destination.Bucket) is { } bucketProblem)
        {
            problems.Add(bucketProblem);
        }

        if (request.Concurrency is < 1 or > 256)
        {
            problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
                $"StaticOffloadConcurrency is {request.Concurrency}; use a number from 1 to 256 (default {SyncRequest.DefaultConcurrency})."));
        }

        if (request.MaxDeletes < 0)
        {
            problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
                $"StaticOffloadMaxDeletes is {request.MaxDeletes}; use 0 or more (default 256)."));
        }

        if (Storage.S3.ServiceEndpoint.Validate(request.Destination.ServiceUrl) is { } endpointProblem)
        {
            problems.Add(endpointProblem);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in request.Files)
        {
            var key = request.Destination.Prefix + file.RelativePath;
            if (!keys.Add(key))
            {
                problems.Add(Diagnostic.Error(DiagnosticCodes.DuplicateKey,
                    $"Two files map to the key '{key}'. Remove one of them from the synced items.", file.FullPath));
            }

            if (Snapshot.RemoteState.IsReserved(request.Destination.Prefix, key))
            {
                problems.Add(Diagnostic.Error(DiagnosticCodes.ReservedKey,
                    $"The key '{key}' is inside '{request.Destination.Prefix}{Snapshot.RemoteState.Folder}', which StaticOffload reserves for its sync state. Rename the folder or exclude it.",
                    file.FullPath));
            }

            if (file.IsRedirect && !IsValidRedirect(file.Headers.RedirectLocation))
            {
                problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidRedirect,
                    $"StaticOffloadRedirect '{file.RelativePath}' has Location '{file.Headers.RedirectLocation}'. S3 accepts a path starting with '/' or an http(s) URL, in visible ASCII."));
            }

            if (ObjectKeys.Utf8Length(key) > ObjectKeys.MaxKeyBytes)
            {
                problems.Add(Diagnostic.Error(DiagnosticCodes.KeyTooLong,
                    $"The key for this file is {Encoding.UTF8.GetByteCount(key)} bytes of UTF-8; S3 allows {ObjectKeys.MaxKeyBytes}. Shorten its path or StaticOffloadPrefix, or exclude it.",
                    file.FullPath));
            }

            problems.AddRange(ValidateHeaders(file));
        }

        return problems;
    }

    private static bool IsValidRedirect(string? location) =>
        !string.IsNullOrWhiteSpace(location) && HeaderValidation.IsSafeHeaderValue(location)
        && (location.StartsWith('/') || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<Diagnostic> ValidateHeaders(SyncFile file) =>
        HeaderValidation.Check("This file", file.Headers.StorageClass, file.Headers.Acl, file.Headers.CacheControl,
            file.Headers.ContentType, file.Headers.ContentEncoding, file.FullPath);
}
