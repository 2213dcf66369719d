using StaticOffload.Cdn;

namespace StaticOffload.Tests.Cdn;

public class CloudFrontMessagesTests
{
    [Fact]
    public void The_invalidation_batch_is_the_XML_CloudFront_documents()
    {
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">" +
            "<Paths><Quantity>2</Quantity><Items><Path>/site/index.html</Path><Path>/site/a%20b.css</Path></Items></Paths>" +
            "<CallerReference>ref-1</CallerReference></InvalidationBatch>",
            CloudFrontMessages.InvalidationBatch(["/site/index.html", "/site/a%20b.css"], "ref-1"));
    }

    [Fact]
    public void An_invalidation_answer_gives_its_id_status_and_paths()
    {
        const string answer = """
            <?xml version="1.0"?>
            <Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
              <Id>IDFDVBD632BHDS5</Id><Status>InProgress</Status><CreateTime>2026-11-29T08:00:00Z</CreateTime>
              <InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/site/index.html</Path></Items></Paths><CallerReference>r</CallerReference></InvalidationBatch>
            </Invalidation>
            """;

        var invalidation = CloudFrontMessages.ParseInvalidation("E2QWRUHEXAMPLE", answer);

        Assert.Equal(new Invalidation("E2QWRUHEXAMPLE", "IDFDVBD632BHDS5", "InProgress", invalidation.Paths), invalidation);
        Assert.Equal(["/site/index.html"], invalidation.Paths);
        Assert.False(invalidation.Completed);
        Assert.True((invalidation with { Status = "Completed" }).Completed);
    }

    [Theory]
    [InlineData("<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>TooManyInvalidationsInProgress</Code><Message>Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        "TooManyInvalidationsInProgress", "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.")]
    [InlineData("Service Unavailable", null, "Service Unavailable")]
    public void An_error_answer_gives_its_code_and_message(string body, string? code, string message) =>
        Assert.Equal((code, message), CloudFrontMessages.ParseError(body));
}
