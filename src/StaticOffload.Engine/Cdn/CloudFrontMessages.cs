using System.Xml.Linq;

namespace StaticOffload.Cdn;

/// <summary>A CloudFront invalidation as the API reports it.</summary>
public sealed record Invalidation(string DistributionId, string Id, string Status, IReadOnlyList<string> Paths)
{
    public bool Completed => string.Equals(Status, "Completed", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The XML of the two CloudFront calls a deploy makes (CreateInvalidation, GetInvalidation; API version 2020-05-31),
/// written and read here so the HTTP side stays small. Pure: unit-tested.
/// </summary>
public static class CloudFrontMessages
{
    public const string ApiVersion = "2020-05-31";

    private static readonly XNamespace Ns = $"http://cloudfront.amazonaws.com/doc/{ApiVersion}/";

    public static string InvalidationBatch(IReadOnlyList<string> paths, string callerReference)
    {
        var batch = new XElement(Ns + "InvalidationBatch",
            new XElement(Ns + "Paths",
                new XElement(Ns + "Quantity", paths.Count),
                new XElement(Ns + "Items", paths.Select(p => new XElement(Ns + "Path", p)))),
            new XElement(Ns + "CallerReference", callerReference));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + batch.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The Invalidation element of a CreateInvalidation or GetInvalidation answer.</summary>
    public static Invalidation ParseInvalidation(string distributionId, string xml)
    {
        var root = XDocument.Parse(xml).Root ?? throw new FormatException("empty answer");
        string Value(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value
                                                      ?? throw new FormatException($"no <{name}> in the answer");
        var paths = root.Descendants().Where(e => e.Name.LocalName == "Path").Select(e => e.Value).ToArray();
        return new Invalidation(distributionId, Value(root, "Id"), Value(root, "Status"), paths);
    }

    /// <summary>Code and message of an ErrorResponse; (null, the body) when the body is not one.</summary>
    public static (string? Code, string Message) ParseError(string xml)
    {
        try
        {
            var error = XDocument.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            string? Child(string name) => error?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            return error is null ? (null, xml.Trim()) : (Child("Code"), Child("Message") ?? "");
        }
        catch (System.Xml.XmlException)
        {
            return (null, xml.Trim());
        }
    }
}
