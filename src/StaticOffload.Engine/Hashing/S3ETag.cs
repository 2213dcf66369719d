using System.Security.Cryptography;

namespace StaticOffload.Hashing;

/// <summary>
/// S3 ETags of unencrypted objects: the hex MD5 for a single PUT, md5(concatenated part MD5s) + "-N" for a multipart
/// upload. Objects uploaded by other tools used other part sizes, so matching a multipart ETag may need a re-hash.
/// </summary>
public static class S3ETag
{
    public static string FromPartDigests(IReadOnlyList<byte[]> partDigests)
    {
        var concatenated = partDigests.SelectMany(d => d).ToArray();
        return $"{Convert.ToHexStringLower(MD5.HashData(concatenated))}-{partDigests.Count}";
    }

    /// <summary>Strips the quotes S3 puts around ETags and lower-cases it.</summary>
    public static string Normalize(string? etag) => (etag ?? "").Trim().Trim('"').ToLowerInvariant();

    public static bool IsMultipart(string? etag) => Normalize(etag).Contains('-');

    public static int PartCount(string? etag)
    {
        var normalized = Normalize(etag);
        var dash = normalized.IndexOf('-');
        return dash >= 0 && int.TryParse(normalized[(dash + 1)..], out var n) ? n : 1;
    }

    /// <summary>
    /// Part sizes other uploaders are known to use, in the order worth trying: ours and the AWS CLI's 8 MiB, the
    /// SDK TransferUtility's 16 MiB... and the size implied by the part count itself, rounded to whole MiB.
    /// </summary>
    public static IEnumerable<long> CandidatePartSizes(long size, int partCount)
    {
        const long MiB = 1024 * 1024;
        var seen = new HashSet<long>();
        var implied = partCount > 0 ? (long)Math.Ceiling(size / (double)partCount / MiB) * MiB : 0;
        foreach (var candidate in new[] { 8 * MiB, 16 * MiB, 5 * MiB, 15 * MiB, 64 * MiB, implied })
        {
            if (candidate > 0 && (size + candidate - 1) / candidate == partCount && seen.Add(candidate))
            {
                yield return candidate;
            }
        }
    }
}
