using StaticOffload.Hashing;
using StaticOffload.Rules;

namespace StaticOffload.Planning;

/// <summary>A file to mirror, with its key, the headers it should carry and what its content is.</summary>
/// <param name="Digest">Null for a file not hashed yet: one whose key the bucket does not hold, so it is uploaded
/// whatever its content, and hashed as it is read for the upload.</param>
public sealed record LocalFile(
    string Key,
    string FullPath,
    long Size,
    long LastWriteTicks,
    ContentDigest? Digest,
    ObjectHeaders Headers,
    bool EntryFile);
