namespace StaticOffload.Keys;

/// <summary>
/// The order S3 lists keys in: by their UTF-8 bytes, which is code point order. A string comparison by UTF-16 code
/// units (<see cref="StringComparer.Ordinal"/>) agrees except where a surrogate pair (U+10000 and up) meets a character
/// from U+E000 to U+FFFF: UTF-16 puts the pair first, UTF-8 puts it last.
/// </summary>
public sealed class S3KeyOrder : IComparer<string>
{
    public static readonly S3KeyOrder Instance = new();

    private S3KeyOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        return CodePointRank(x[common]).CompareTo(CodePointRank(y[common]));
    }

    /// <summary>
    /// A code unit's rank in code point order: surrogates (U+D800–U+DFFF, the halves of U+10000 and up) move above
    /// U+FFFF, U+E000–U+FFFF move down into the gap they leave. Only the first differing unit is ranked: a pair's
    /// high surrogate alone decides against any other unit.
    /// </summary>
    private static int CodePointRank(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
