using System.Globalization;

namespace StaticOffload.Reporting;

/// <summary>Numbers as people read them in a build log.</summary>
public static class Format
{
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        // Rounded as printed, so 999,999 bytes reads "1.0 MB", not "1000 KB".
        while (Math.Round(value, value < 10 ? 1 : 0) >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? $"{bytes} B"
            : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static string Count(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Two decimals below a second (a no-change sync takes tens of milliseconds), one below ten.</summary>
    public static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds.ToString(elapsed.TotalSeconds < 0.995 ? "0.00" : elapsed.TotalSeconds < 9.95 ? "0.0" : "0",
            CultureInfo.InvariantCulture) + " s";
}
