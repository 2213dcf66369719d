using StaticOffload.Rules;

namespace StaticOffload.Tests.Rules;

public class ObjectHeadersTests
{
    [Theory]
    [InlineData("public, max-age=0, must-revalidate", "max-age=0, must-revalidate, public")]
    [InlineData("max-age=60,public", "public, max-age=60")]
    [InlineData("Max-Age=60, PUBLIC", "max-age=60, public")]
    [InlineData("max-age = 60", "max-age=60")]
    [InlineData(" no-cache ", "no-cache")]
    [InlineData("no-cache,,", "no-cache")]
    [InlineData(null, null)]
    [InlineData(null, "")]
    [InlineData("", " , ")]
    public void CacheControlEquivalent_ignores_order_case_and_spaces(string? a, string? b)
    {
        Assert.True(ObjectHeaders.CacheControlEquivalent(a, b));
        Assert.True(ObjectHeaders.CacheControlEquivalent(b, a));
    }

    [Theory]
    [InlineData("max-age=60", "max-age=61")]
    [InlineData("max-age=60", "max-age=60, immutable")]
    [InlineData("no-cache", null)]
    [InlineData("public", "private")]
    public void CacheControlEquivalent_sees_a_different_directive(string? a, string? b)
    {
        Assert.False(ObjectHeaders.CacheControlEquivalent(a, b));
        Assert.False(ObjectHeaders.CacheControlEquivalent(b, a));
    }

    [Theory]
    [InlineData("public, max-age=31536000, immutable", true)]
    [InlineData("immutable", true)]
    [InlineData(" IMMUTABLE ,max-age=60", true)]
    [InlineData("max-age=60,,immutable", true)]
    [InlineData("im mutable", true)]
    [InlineData("max-age=60", false)]
    [InlineData("immutable=1", false)]
    [InlineData("immutables", false)]
    [InlineData("immutabl", false)]
    [InlineData("no-immutable", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Immutable_reads_the_directives_as_CacheControlEquivalent_does(string? cacheControl, bool immutable) =>
        Assert.Equal(immutable, new ObjectHeaders("text/css", cacheControl).Immutable);

    [Fact]
    public void VisibleHeadersEqual_ignores_the_acl()
    {
        var sent = new ObjectHeaders("text/css", "max-age=60", Acl: "public-read");
        var headed = new ObjectHeaders("text/css", "max-age=60");

        Assert.True(sent.VisibleHeadersEqual(headed));
        Assert.True(headed.VisibleHeadersEqual(sent));
    }

    [Theory]
    [InlineData(null, "STANDARD")]
    [InlineData("", "STANDARD")]
    [InlineData(null, null)]
    public void VisibleHeadersEqual_treats_no_storage_class_as_standard(string? a, string? b)
    {
        Assert.True(new ObjectHeaders("text/css", StorageClass: a).VisibleHeadersEqual(new ObjectHeaders("text/css", StorageClass: b)));
        Assert.True(new ObjectHeaders("text/css", StorageClass: b).VisibleHeadersEqual(new ObjectHeaders("text/css", StorageClass: a)));
    }

    [Fact]
    public void VisibleHeadersEqual_treats_no_content_encoding_as_empty() =>
        Assert.True(new ObjectHeaders("text/css", ContentEncoding: null).VisibleHeadersEqual(new ObjectHeaders("text/css", ContentEncoding: "")));

    [Fact]
    public void VisibleHeadersEqual_uses_cache_control_equivalence() =>
        Assert.True(new ObjectHeaders("text/html", "public, max-age=0, must-revalidate")
            .VisibleHeadersEqual(new ObjectHeaders("text/html", "max-age=0, must-revalidate, public")));

    public static TheoryData<string, string?, string?, string?> Differences => new()
    {
        // content type, cache control, content encoding, storage class of the other side
        { "text/plain", "max-age=60", "br", "STANDARD_IA" },
        { "text/css", "max-age=61", "br", "STANDARD_IA" },
        { "text/css", "max-age=60", "gzip", "STANDARD_IA" },
        { "text/css", "max-age=60", null, "STANDARD_IA" },
        { "text/css", "max-age=60", "br", "STANDARD" },
        { "text/css", "max-age=60", "br", null },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void VisibleHeadersEqual_sees_a_change_in_any_visible_header(string contentType, string? cacheControl,
        string? contentEncoding, string? storageClass)
    {
        var intended = new ObjectHeaders("text/css", "max-age=60", "br", "STANDARD_IA");
        var actual = new ObjectHeaders(contentType, cacheControl, contentEncoding, storageClass);

        Assert.False(intended.VisibleHeadersEqual(actual));
    }
}
