namespace StaticOffload.Rules;

/// <summary>
/// The headers a rule or a file item sets, each from the item metadata of the same name (%(CacheControl), ...). Every
/// one is optional: null or blank is "not set". <see cref="ObjectHeaders"/> is what an object is finally sent with.
/// </summary>
public sealed record HeaderMetadata(
    string? CacheControl = null,
    string? ContentType = null,
    string? ContentEncoding = null,
    string? StorageClass = null,
    string? Acl = null)
{
    /// <summary>Reads the five from an item's metadata, by their names: the one place that names them.</summary>
    /// <param name="metadata">The item's value of a metadata name; null or blank when not set.</param>
    public static HeaderMetadata Read(Func<string, string?> metadata) => new(
        metadata(nameof(CacheControl)),
        metadata(nameof(ContentType)),
        metadata(nameof(ContentEncoding)),
        metadata(nameof(StorageClass)),
        metadata(nameof(Acl)));

    /// <summary>The same values, blank ones as null and the others without surrounding white space.</summary>
    public HeaderMetadata WithoutBlanks() => new(
        Text.NullIfBlank(CacheControl),
        Text.NullIfBlank(ContentType),
        Text.NullIfBlank(ContentEncoding),
        Text.NullIfBlank(StorageClass),
        Text.NullIfBlank(Acl));

    /// <summary>The headers an object is sent with: these values, and <paramref name="contentType"/> when none is set.</summary>
    public ObjectHeaders ToObjectHeaders(string contentType) => new(
        Text.NullIfBlank(ContentType) ?? contentType,
        Text.NullIfBlank(CacheControl),
        Text.NullIfBlank(ContentEncoding),
        Text.NullIfBlank(StorageClass),
        Text.NullIfBlank(Acl));
}
