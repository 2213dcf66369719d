using System.Text;
using System.Text.Json;
using StaticOffload.Planning;
using StaticOffload.Sync;

namespace StaticOffload.Reporting;

/// <summary>
/// The record of a run for machines and CI pages: a JSON report (plan, results, timings) and, on GitHub Actions, a
/// markdown table appended to the job summary. Writing them never fails a sync.
/// </summary>
public static class SyncReport
{
    public static void Write(SyncRequest request, string destination, SyncResult result, ISyncLog log)
    {
        TryWrite(request.ReportPath, log, path =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            try
            {
                File.WriteAllBytes(path, ToJson(destination, result));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // On a full disk the file is created and stays short: no report beats a truncated or stale one.
                File.Delete(path);
                throw;
            }
        });
        TryWrite(request.MarkdownSummaryPath, log, path => File.AppendAllText(path, ToMarkdown(destination, result)));
    }

    /// <summary>
    /// The report as indented JSON. Written member by member rather than by reflection over a shape: the
    /// serializer's first use cost more than the rest of a no-change sync.
    /// </summary>
    public static byte[] ToJson(string destination, SyncResult result)
    {
        var completed = result.Completed.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("destination", destination);
            json.WriteBoolean("succeeded", result.Succeeded);
            json.WriteBoolean("dryRun", result.DryRun);
            json.WriteNumber("elapsedSeconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            json.WriteBoolean("usedListing", result.UsedListing);
            json.WriteStartObject("counts");
            json.WriteNumber("uploaded", result.CompletedCount(SyncActionKind.Upload));
            json.WriteNumber("metadataUpdated", result.CompletedCount(SyncActionKind.UpdateMetadata));
            json.WriteNumber("copied", result.CompletedCount(SyncActionKind.Copy));
            json.WriteNumber("deleted", result.CompletedCount(SyncActionKind.Delete));
            json.WriteNumber("unchanged", result.Plan.Count(SyncActionKind.Unchanged));
            json.WriteNumber("retained", result.Plan.Count(SyncActionKind.Retain));
            json.WriteEndObject();
            json.WriteNumber("bytesUploaded", result.BytesUploaded);
            json.WriteStartArray("diagnostics");
            foreach (var d in result.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("severity", d.Severity.ToString());
                json.WriteString("code", d.Code);
                json.WriteString("message", d.Message);
                json.WriteString("file", d.File);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("actions");
            foreach (var a in result.Plan.Actions.Where(a => a.Kind != SyncActionKind.Unchanged))
            {
                json.WriteStartObject();
                json.WriteString("key", a.Key);
                json.WriteString("kind", a.Kind.ToString());
                json.WriteString("reason", a.Reason.ToString());
                json.WriteString("phase", a.Phase.ToString());
                if (a.Local is { } local)
                {
                    json.WriteNumber("size", local.Size);
                }
                else
                {
                    json.WriteNull("size");
                }

                if (a.Restore is { } restore)
                {
                    json.WriteString("source", restore.Describe());
                }

                json.WriteBoolean("done", completed.Contains(a.Key));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("invalidationPaths");
            foreach (var path in result.InvalidationPaths)
            {
                json.WriteStringValue(path);
            }

            json.WriteEndArray();
            if (result.Invalidation is { } invalidation)
            {
                json.WriteStartObject("invalidation");
                json.WriteString("distributionId", invalidation.DistributionId);
                json.WriteString("id", invalidation.Id);
                json.WriteString("status", invalidation.Status);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
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
