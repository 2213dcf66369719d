using System.Globalization;

namespace StaticOffload.History;

/// <summary>The deploy history as `dotnet msbuild -t:StaticOffloadHistory` prints it: newest first, the live deploy marked.</summary>
public static class HistoryTable
{
    private static readonly string[] Header = ["", "Id", "Time (UTC)", "Kind", "Revision", "Uploaded", "Updated", "Deleted", "Objects", "Versions", "By"];

    public static IReadOnlyList<string> Lines(HistoryDocument? history, string destination)
    {
        if (history is null || history.Deploys.Count == 0)
        {
            return [$"StaticOffload: {destination} has no recorded deploys yet."];
        }

        var rows = new List<string[]> { Header };
        for (var i = 0; i < history.Deploys.Count; i++)
        {
            var d = history.Deploys[i];
            rows.Add([
                i == 0 ? "live" : "",
                d.Id,
                d.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                d.RestoredId is null ? d.Kind : $"{d.Kind} to {d.RestoredId}",
                d.Revision is { Length: > 12 } revision ? revision[..12] : d.Revision ?? "",
                Number(d.Uploaded),
                Number(d.Updated),
                Number(d.Deleted),
                Number(d.Objects),
                d.Versioned ? "pinned" : "live only",
                d.By.Describe(),
            ]);
        }

        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var numeric = new HashSet<int> { 5, 6, 7, 8 };
        var lines = new List<string> { $"StaticOffload: deploy history of {destination}, newest first ({history.Deploys.Count} kept):" };
        foreach (var row in rows)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : numeric.Contains(c) && row != rows[0] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            lines.Add("  " + string.Join("  ", cells).TrimEnd());
        }

        lines.Add("Roll back to the deploy before the live one with: dotnet msbuild -t:StaticOffloadRollback (or -p:StaticOffloadRollbackTo=<Id>).");
        return lines;
    }

    private static string Number(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);
}
