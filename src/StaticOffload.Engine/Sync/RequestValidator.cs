using System.Text;
using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Rules;

namespace StaticOffload.Sync;

/// <summary>Checks everything a user can get wrong before a single request is sent.</summary>
public static class RequestValidator
{
    // Once over every file of a build: optimized up front (see LocalInventory.StatRange).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<Diagnostic> Validate(SyncRequest request)
    {
        var problems = new List<Diagnostic>();
        if (ObjectKeys.ValidateBucket(request.Destination.Bucket) is { } bucketProblem)
        {
            problems.Add(bucketProblem);
        }

        if (request.Concurrency is < 1 or > Defaults.MaxConcurrency)
        {
            problems.Add(Messages.ConcurrencyOutOfRange(request.Concurrency));
        }

        if (request.MaxDeletes < 0)
        {
            problems.Add(Messages.NegativeMaxDeletes(request.MaxDeletes));
        }

        if (Storage.S3.ServiceEndpoint.Validate(request.Destination.ServiceUrl) is { } endpointProblem)
        {
            problems.Add(endpointProblem);
        }

        if (request.RemoteState && StateLocationProblem(request) is { } stateProblem)
        {
            problems.Add(stateProblem);
        }

        var keys = new HashSet<string>(request.Files.Count, StringComparer.Ordinal);
        foreach (var file in request.Files)
        {
            var key = request.Destination.Prefix + file.RelativePath;
            if (!keys.Add(key))
            {
                problems.Add(Messages.DuplicateKey(key, file.FullPath));
            }

            if (ObjectKeys.IsReserved(request.Destination.Prefix, key))
            {
                problems.Add(Messages.ReservedKey(key, request.Destination.Prefix + ObjectKeys.ReservedFolder, file.FullPath));
            }

            if (file.IsRedirect && !IsValidRedirect(file.Headers.RedirectLocation))
            {
                problems.Add(Messages.InvalidRedirect(file.RelativePath, file.Headers.RedirectLocation));
            }

            if (ObjectKeys.Utf8Length(key) > ObjectKeys.MaxKeyBytes)
            {
                problems.Add(Messages.KeyTooLong(Encoding.UTF8.GetByteCount(key), ObjectKeys.MaxKeyBytes, file.FullPath));
            }
            else if (ObjectKeys.KeyProblem(key) is { } keyProblem)
            {
                problems.Add(file.IsRedirect
                    ? Messages.RedirectKeyInvalid(ObjectKeys.Printable(file.RelativePath), keyProblem)
                    : Messages.FileKeyInvalid(ObjectKeys.Printable(key), keyProblem, file.FullPath));
            }

            problems.AddRange(ValidateHeaders(file));
        }

        return problems;
    }

    private static Diagnostic? StateLocationProblem(SyncRequest request)
    {
        var destination = request.Destination;
        if (destination.StateBucket is { } stateBucket && ObjectKeys.ValidateBucket(stateBucket) is not null)
        {
            return Messages.InvalidStateBucket(stateBucket);
        }

        var key = request.EffectiveStateKey;
        if (ObjectKeys.KeyProblem(key) is { } keyProblem)
        {
            return Messages.StateKeyInvalid(ObjectKeys.Printable(key), keyProblem);
        }

        var sameBucket = destination.StateBucket is null || destination.StateBucket == destination.Bucket;
        if (sameBucket && key.StartsWith(destination.Prefix, StringComparison.Ordinal)
            && !ObjectKeys.IsReserved(destination.Prefix, key))
        {
            return Messages.StateKeyInsidePrefix(key, destination.Prefix, destination.Prefix + ObjectKeys.ReservedFolder);
        }

        return null;
    }

    private static bool IsValidRedirect(string? location) =>
        !string.IsNullOrWhiteSpace(location) && HeaderValidation.IsSafeHeaderValue(location)
        && (location.StartsWith('/') || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<Diagnostic> ValidateHeaders(SyncFile file) =>
        HeaderValidation.Check("This file", file.Headers.StorageClass, file.Headers.Acl, file.Headers.CacheControl,
            file.Headers.ContentType, file.Headers.ContentEncoding, file.FullPath);
}
