using StaticOffload.Reporting;

namespace StaticOffload.Tests.Reporting;

public class FormatTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1, "1 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 KB")]
    [InlineData(1_500, "1.5 KB")]
    [InlineData(12_345, "12 KB")]
    [InlineData(1_500_000, "1.5 MB")]
    [InlineData(2_000_000_000, "2.0 GB")]
    [InlineData(3_000_000_000_000, "3.0 TB")]
    [InlineData(5_000_000_000_000_000, "5000 TB")]
    public void Bytes_uses_decimal_units(long bytes, string expected) =>
        Assert.Equal(expected, Format.Bytes(bytes));

    [Theory]
    [InlineData(9_999, "10.0 KB")]
    [InlineData(999_499, "999 KB")]
    public void Bytes_rounds_to_the_shown_precision(long bytes, string expected) =>
        Assert.Equal(expected, Format.Bytes(bytes));

    [Theory]
    [InlineData(999_999, "1.0 MB")]
    [InlineData(999_500_000, "1.0 GB")]
    public void Bytes_that_round_to_1000_move_to_the_next_unit(long bytes, string expected) =>
        Assert.Equal(expected, Format.Bytes(bytes));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(1980, "1,980")]
    [InlineData(1_234_567, "1,234,567")]
    public void Count_groups_thousands_with_commas(int n, string expected) =>
        Assert.Equal(expected, Format.Count(n));

    [Theory]
    [InlineData(0.04, "0.04 s")]
    [InlineData(0.994, "0.99 s")]
    [InlineData(0.996, "1.0 s")]
    [InlineData(2.25, "2.3 s")]
    [InlineData(9.94, "9.9 s")]
    [InlineData(9.96, "10 s")]
    [InlineData(42.4, "42 s")]
    public void Seconds_shows_two_decimals_below_one_and_one_below_ten(double seconds, string expected) =>
        Assert.Equal(expected, Format.Seconds(TimeSpan.FromSeconds(seconds)));
}
