using System.Text.Json;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>One request as the S3 server logged it.</summary>
public sealed record LoggedRequest(string Method, string Url, string? Bucket, string? Key, int? Status, long Bytes,
    IReadOnlyDictionary<string, string> Headers)
{
    public bool IsCopy => Method == "PUT" && Headers.ContainsKey("x-amz-copy-source");

    public bool IsUpload => Method == "PUT" && !IsCopy && Key is not null;

    /// <summary>A request for the sync state object the product keeps below the prefix.</summary>
    public bool IsState => Key is not null && (Key.StartsWith(".staticoffload/", StringComparison.Ordinal) || Key.Contains("/.staticoffload/", StringComparison.Ordinal));

    public bool IsDelete => (Method == "POST" && Url.Contains("?delete", StringComparison.Ordinal)) || Method == "DELETE";

    /// <summary>The one-key listing a run sends before its first change when it has read nothing from the bucket yet.</summary>
    public bool IsAccessCheck => Method == "GET" && Key is null && Url.Contains("list-type=2", StringComparison.Ordinal)
                                 && Url.Contains("max-keys=1", StringComparison.Ordinal) && !Url.Contains("max-keys=10", StringComparison.Ordinal);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>The requests one bucket received, read from the server's JSON-lines log.</summary>
public sealed class RequestLog(IReadOnlyList<LoggedRequest> requests)
{
    public IReadOnlyList<LoggedRequest> All { get; } = requests;

    public int Count => All.Count;

    public IEnumerable<LoggedRequest> Uploads => All.Where(r => r.IsUpload);

    public IEnumerable<LoggedRequest> Copies => All.Where(r => r.IsCopy);

    public IEnumerable<LoggedRequest> Deletes => All.Where(r => r.IsDelete);

    /// <summary>Requests logged after the first <paramref name="count"/>: what one step of a test sent.</summary>
    public RequestLog Since(int count) => new(All.Skip(count).ToArray());

    /// <summary>Without the requests for the sync state object: what was sent for the site's own objects.</summary>
    public RequestLog WithoutState() => new(All.Where(r => !r.IsState).ToArray());

    /// <summary>Without the access check that precedes a run's first change: only the changes themselves.</summary>
    public RequestLog WithoutAccessCheck() => new(All.Where(r => !r.IsAccessCheck).ToArray());

    public static RequestLog Read(string path, string bucket)
    {
        var list = new List<LoggedRequest>();
        if (!File.Exists(path))
        {
            return new RequestLog(list);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var b = root.TryGetProperty("bucket", out var bv) && bv.ValueKind == JsonValueKind.String ? bv.GetString() : null;
            if (b != bucket)
            {
                continue;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var hv) && hv.ValueKind == JsonValueKind.Object)
            {
                foreach (var h in hv.EnumerateObject())
                {
                    headers[h.Name] = h.Value.ToString();
                }
            }

            list.Add(new LoggedRequest(
                root.GetProperty("method").GetString()!,
                root.GetProperty("url").GetString()!,
                b,
                root.TryGetProperty("key", out var kv) && kv.ValueKind == JsonValueKind.String ? kv.GetString() : null,
                root.TryGetProperty("status", out var sv) && sv.ValueKind == JsonValueKind.Number ? sv.GetInt32() : null,
                root.TryGetProperty("bytes", out var byv) && byv.ValueKind == JsonValueKind.Number ? byv.GetInt64() : 0,
                headers));
        }

        return new RequestLog(list);
    }
}
