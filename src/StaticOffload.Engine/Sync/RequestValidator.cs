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

        if (request.Concurrency is < 1 or > Defaults.MaxConcurrency)
        {
            problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
                $"StaticOffloadConcurrency is {request.Concurrency}; use a number from 1 to {Defaults.MaxConcurrency} (default {Defaults.Concurrency})."));
        }

        if (request.MaxDeletes < 0)
        {
            problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidProperty,
                $"StaticOffloadMaxDeletes is {request.MaxDeletes}; use 0 or more (default {Defaults.MaxDeletes})."));
        }

        if (Storage.S3.ServiceEndpoint.Validate(request.Destination.ServiceUrl) is { } endpointProblem)
        {
            problems.Add(endpointProblem);
        }

        if (request.RemoteState && StateLocationProblem(request) is { } stateProblem)
        {
            problems.Add(Diagnostic.Error(DiagnosticCodes.InvalidStateLocation, stateProblem));
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

            if (ObjectKeys.IsReserved(request.Destination.Prefix, key))
            {
                problems.Add(Diagnostic.Error(DiagnosticCodes.ReservedKey,
                    $"The key '{key}' is inside '{request.Destination.Prefix}{ObjectKeys.ReservedFolder}', which StaticOffload reserves for its sync state. Rename the folder or exclude it.",
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
            else if (ObjectKeys.KeyProblem(key) is { } keyProblem)
            {
                problems.Add(file.IsRedirect
                    ? Diagnostic.Error(DiagnosticCodes.InvalidKey,
                        $"StaticOffloadRedirect '{ObjectKeys.Printable(file.RelativePath)}' cannot be a key: {keyProblem}. Write the key as a plain path below the prefix, e.g. 'old/page.html'.")
                    : Diagnostic.Error(DiagnosticCodes.InvalidKey,
                        $"The key '{ObjectKeys.Printable(key)}' for this file cannot be synced safely: {keyProblem}. Rename the file, or exclude it with a StaticOffloadRule that sets Exclude=true.",
                        file.FullPath));
            }

            problems.AddRange(ValidateHeaders(file));
        }

        return problems;
    }

    private static string? StateLocationProblem(SyncRequest request)
    {
        var destination = request.Destination;
        if (destination.StateBucket is { } stateBucket && ObjectKeys.ValidateBucket(stateBucket) is not null)
        {
            return $"StaticOffloadStateBucket '{stateBucket}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-').";
        }

        var key = request.EffectiveStateKey;
        if (ObjectKeys.KeyProblem(key) is { } keyProblem)
        {
            return $"StaticOffloadStateKey '{ObjectKeys.Printable(key)}' cannot be a key: {keyProblem}.";
        }

        var sameBucket = destination.StateBucket is null || destination.StateBucket == destination.Bucket;
        if (sameBucket && key.StartsWith(destination.Prefix, StringComparison.Ordinal)
            && !ObjectKeys.IsReserved(destination.Prefix, key))
        {
            return $"StaticOffloadStateKey '{key}' is below the prefix '{destination.Prefix}' of the site it describes, where the sync would take it for a site file and delete it. Put it outside the prefix, in '{destination.Prefix}{ObjectKeys.ReservedFolder}', or in another bucket (StaticOffloadStateBucket).";
        }

        return null;
    }

    private static bool IsValidRedirect(string? location) =>
        !string.IsNullOrWhiteSpace(location) && HeaderValidation.IsSafeHeaderValue(location)
        && (location.StartsWith('/') || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<Diagnostic> ValidateHeaders(SyncFile file) =>
        HeaderValidation.Check("This file", file.Headers.StorageClass, file.Headers.Acl, file.Headers.CacheControl,
            file.Headers.ContentType, file.Headers.ContentEncoding, file.FullPath);
}
