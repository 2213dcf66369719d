using StaticOffload.Hashing;
using StaticOffload.Rules;

namespace StaticOffload.Planning;

/// <summary>A file to mirror, with its key, the headers it should carry and what its content is.</summary>
public sealed record LocalFile(
    string Key,
    string FullPath,
    long Size,
    long LastWriteTicks,
    ContentDigest Digest,
    ObjectHeaders Headers,
    bool EntryFile);
