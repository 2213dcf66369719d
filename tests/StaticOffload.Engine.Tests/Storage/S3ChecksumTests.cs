using System.Text;
using StaticOffload.Storage.S3;

namespace StaticOffload.Tests.Storage;

public class S3ChecksumTests
{
    [Theory]
    // CRC-32 (IEEE) check values: "123456789" is 0xCBF43926, "abc" is 0x352441C2; S3 wants them big-endian in base64.
    [InlineData("123456789", "y/Q5Jg==")]
    [InlineData("abc", "NSRBwg==")]
    [InlineData("", "AAAAAA==")]
    public void Crc32_is_sent_big_endian_in_base64_as_x_amz_checksum_crc32(string text, string expected) =>
        Assert.Equal(expected, S3ObjectStore.Crc32Base64(Encoding.ASCII.GetBytes(text)));
}
