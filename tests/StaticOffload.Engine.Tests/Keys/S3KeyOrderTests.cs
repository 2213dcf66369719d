using System.Text;
using StaticOffload.Keys;

namespace StaticOffload.Tests.Keys;

public class S3KeyOrderTests
{
    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "ab")]
    [InlineData("", "a")]
    [InlineData("A", "a")]
    [InlineData("a/b", "a0")]
    [InlineData("\u00e9", "\u4e2d")]
    [InlineData("\ud7ff", "\ue000")]
    // UTF-16 puts a surrogate pair (U+1F600) before U+E000..U+FFFF; UTF-8 bytes, and S3, after.
    [InlineData("\ue000", "\ud83d\ude00")]
    [InlineData("x\uffff", "x\ud83d\ude00")]
    [InlineData("\ud83d\ude00", "\ud83d\ude01")]
    public void Orders_keys_as_S3_lists_them_by_their_UTF8_bytes(string first, string second)
    {
        Assert.True(S3KeyOrder.Instance.Compare(first, second) < 0);
        Assert.True(S3KeyOrder.Instance.Compare(second, first) > 0);
        Assert.Equal(0, S3KeyOrder.Instance.Compare(first, new string(first.AsSpan())));
        Assert.True(Utf8(first, second) < 0);
    }

    [Fact]
    public void Agrees_with_a_comparison_of_the_UTF8_bytes_on_random_keys()
    {
        var random = new Random(15);
        string[] alphabet = ["a", "b", "/", ".", "\u00e9", "\ud7ff", "\ue000", "\uffef", "\ud83d\ude00", "\ud800\udc00", "\udbff\udfff"];
        var keys = Enumerable.Range(0, 400)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 5)).Select(_ => alphabet[random.Next(alphabet.Length)])))
            .ToArray();
        foreach (var x in keys)
        {
            foreach (var y in keys.Take(60))
            {
                Assert.Equal(Math.Sign(Utf8(x, y)), Math.Sign(S3KeyOrder.Instance.Compare(x, y)));
            }
        }
    }

    private static int Utf8(string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
}
