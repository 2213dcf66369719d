using Amazon.S3;
using Amazon.S3.Model;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Moto;

/// <summary>The second S3 implementation starts from its fixture and keeps what the default test server drops.</summary>
[Collection(MotoCollection.Name)]
public sealed class MotoServerTests(MotoServerFixture moto)
{
    [Fact]
    public async Task Moto_keeps_storage_class_and_answers_conditional_puts()
    {
        var bucket = await moto.CreateBucketAsync("smoke");
        await moto.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "a.txt", ContentBody = "a", StorageClass = S3StorageClass.StandardInfrequentAccess,
        });

        var head = await moto.Client.GetObjectMetadataAsync(bucket, "a.txt");
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
        var conflict = await Assert.ThrowsAsync<AmazonS3Exception>(() => moto.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "a.txt", ContentBody = "b", IfNoneMatch = "*",
        }));
        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, conflict.StatusCode);
    }
}
