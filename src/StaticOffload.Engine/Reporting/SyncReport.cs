using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StaticOffload.Planning;
using StaticOffload.Sync;

namespace StaticOffload;

/// <summary>
/// The record of a run for machines and CI pages: a JSON report (plan, results, timings) and, on GitHub Actions, a
/// markdown table appended to the job summary. Writing them never fails a sync.
/// </summary>
public static class SyncReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Write(SyncRequest request, string destination, SyncResult result, ISyncLog log)
    {
        TryWrite(request.ReportPath, log, path =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, JsonSerializer.Serialize(ToDocument(destination, result), JsonOptions));
        });
        TryWrite(request.MarkdownSummaryPath, log, path => File.AppendAllText(path, ToMarkdown(destination, result)));
    }

    public static object ToDocument(string destination, SyncResult result)
    {
        var completed = result.Completed.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        return new
        {
            destination,
            succeeded = result.Succeeded,
            dryRun = result.DryRun,
            elapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            usedListing = result.UsedListing,
            counts = new
            {
                uploaded = result.CompletedCount(SyncActionKind.Upload),
                metadataUpdated = result.CompletedCount(SyncActionKind.UpdateMetadata),
                deleted = result.CompletedCount(SyncActionKind.Delete),
                unchanged = result.Plan.Count(SyncActionKind.Unchanged),
                retained = result.Plan.Count(SyncActionKind.Retain),
            },
            bytesUploaded = result.BytesUploaded,
            diagnostics = result.Diagnostics.Select(d => new { severity = d.Severity, code = d.Code, message = d.Message, file = d.File }),
            actions = result.Plan.Actions.Where(a => a.Kind != SyncActionKind.Unchanged).Select(a => new
            {
                key = a.Key,
                kind = a.Kind,
                reason = a.Reason,
                phase = a.Phase,
                size = a.Local?.Size,
                done = completed.Contains(a.Key),
            }),
        };
    }

    public static string ToMarkdown(string destination, SyncResult result)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"### StaticOffload: `{destination}`{(result.Succeeded ? "" : " — failed")}");
        sb.AppendLine();
        sb.AppendLine("| Uploaded | Metadata updated | Deleted | Unchanged | Kept (grace) | Bytes | Time |");
        sb.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        sb.AppendLine($"| {result.CompletedCount(SyncActionKind.Upload)} | {result.CompletedCount(SyncActionKind.UpdateMetadata)} | {result.CompletedCount(SyncActionKind.Delete)} | {result.Plan.Count(SyncActionKind.Unchanged)} | {result.Plan.Count(SyncActionKind.Retain)} | {Format.Bytes(result.BytesUploaded)} | {Format.Seconds(result.Elapsed)} |");
        foreach (var d in result.Diagnostics)
        {
            sb.AppendLine();
            sb.AppendLine($"- **{d.Code}** {d.Message.Replace("\n", " ", StringComparison.Ordinal)}");
        }

        sb.AppendLine();
        return sb.ToString();
    }

    private static void TryWrite(string? path, ISyncLog log, Action<string> write)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        try
        {
            write(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Detail($"StaticOffload: could not write {path}: {ex.Message}");
        }
    }
}
