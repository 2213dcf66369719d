using StaticOffload.Diagnostics;

namespace StaticOffload.Sync;

/// <summary>What a request becomes before it is planned: keys in one Unicode form, headers the store can take.</summary>
public static class RequestNormalizer
{
    /// <summary>
    /// Keys are compared as UTF-8 bytes by S3, but the same name can reach the disk in two Unicode forms (NFD from a
    /// macOS archive, NFC from everywhere else) while links in pages are NFC. Keys are NFC, so a page's link finds the
    /// object; two files that differ only in form become one key and are reported as a duplicate.
    /// </summary>
    public static SyncRequest NormalizeKeys(SyncRequest request) => request with
    {
        Files = request.Files.Select(f => f.RelativePath.IsNormalized(System.Text.NormalizationForm.FormC)
            ? f
            : f with { RelativePath = f.RelativePath.Normalize(System.Text.NormalizationForm.FormC) }).ToArray(),
        Destination = request.Destination with { Prefix = request.Destination.Prefix.Normalize(System.Text.NormalizationForm.FormC) },
    };

    /// <summary>
    /// A store without ACLs or website redirects rejects the whole request when they are sent; the sync goes on
    /// without them and says so once.
    /// </summary>
    public static SyncRequest DropUnsupportedHeaders(SyncRequest request, List<Diagnostic> diagnostics)
    {
        var destination = request.Destination;
        var dropAcl = !destination.SupportsAcl && request.Files.Any(f => f.Headers.Acl is not null);
        var dropRedirect = !destination.SupportsRedirects && request.Files.Any(f => f.Headers.RedirectLocation is not null);
        if (dropAcl)
        {
            diagnostics.Add(Messages.AclsUnsupported());
        }

        if (dropRedirect)
        {
            diagnostics.Add(Messages.RedirectsUnsupported());
        }

        if (!dropAcl && !dropRedirect)
        {
            return request;
        }

        return request with
        {
            Files = request.Files
                .Where(f => !(dropRedirect && f.IsRedirect))
                .Select(f => dropAcl ? f with { Headers = f.Headers with { Acl = null } } : f)
                .ToArray(),
        };
    }
}
