using System.Text.Json;
using StaticOffload.Coordination;

namespace StaticOffload.History;

/// <summary>One deploy in the history: what a rollback can return to, and what `-t:StaticOffloadHistory` shows.</summary>
/// <param name="Id">"20261129-063102-3f2a": when, plus four random hex digits; names the deploy's manifest.</param>
/// <param name="Kind">"deploy" or "rollback".</param>
/// <param name="RestoredId">For a rollback: the deploy it restored.</param>
/// <param name="Objects">Objects live after it (the manifest's size).</param>
/// <param name="Versioned">Every object the deploy wrote has a version id: its manifest pins exact versions.</param>
public sealed record DeployRecord(
    string Id,
    DateTimeOffset Time,
    string Kind,
    DeployIdentity By,
    string? Revision,
    int Uploaded,
    int Updated,
    int Deleted,
    int Objects,
    bool Versioned,
    string? RestoredId = null)
{
    public const string DeployKind = "deploy";

    public const string RollbackKind = "rollback";

    public static string NewId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))}";

    /// <summary>An id as <see cref="NewId"/> makes them: it becomes part of an object key, so nothing else is accepted.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 20 } && id[8] == '-' && id[15] == '-'
        && id.Where((c, i) => i is not (8 or 15)).All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
        && id[..8].All(char.IsAsciiDigit) && id[9..15].All(char.IsAsciiDigit);
}

/// <summary>
/// The deploy history object: the last <c>StaticOffloadHistoryDepth</c> deploys, newest first. Untrusted input like the
/// state: a record with an id that is not one, or implausible counts, makes the whole history unusable for a rollback
/// (it is then started afresh by the next deploy, with a warning).
/// </summary>
public sealed record HistoryDocument(int Version, string? Destination, IReadOnlyList<DeployRecord> Deploys)
{
    public const int CurrentVersion = 1;

    public const long MaxBytes = 1024 * 1024;

    public static HistoryDocument Empty(string destination) => new(CurrentVersion, destination, []);

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, CoordinationJsonContext.Default.HistoryDocument);

    /// <summary>The history, or null with the reason when it is not one this package wrote for <paramref name="location"/>.</summary>
    public static HistoryDocument? Parse(byte[] body, string location, out string? problem)
    {
        HistoryDocument? history;
        try
        {
            history = JsonSerializer.Deserialize(body, CoordinationJsonContext.Default.HistoryDocument);
        }
        catch (JsonException ex)
        {
            problem = $"it is not a JSON deploy history ({ex.GetType().Name})";
            return null;
        }

        problem = history switch
        {
            null or { Deploys: null } => "it has no deploys",
            { Version: not CurrentVersion } => $"it has format version {history.Version}, this package reads {CurrentVersion}",
            { Destination: { } destination } when destination != location => $"it is the history of {destination}, not of {location}",
            _ => history.Deploys.ToList().FindIndex(d => d is null || !DeployRecord.IsValidId(d.Id) || d.By?.Host is null
                                                         || d.Uploaded < 0 || d.Updated < 0 || d.Deleted < 0 || d.Objects < 0
                                                         || (d.RestoredId is not null && !DeployRecord.IsValidId(d.RestoredId))) is var bad and >= 0
                ? $"the deploy '{Keys.ObjectKeys.Printable(history.Deploys[bad]?.Id ?? "")}' (number {bad + 1}) is not a valid record"
                : null,
        };
        return problem is null ? history : null;
    }

    /// <summary>This history with <paramref name="record"/> first, keeping <paramref name="depth"/>; and the records dropped.</summary>
    public (HistoryDocument Kept, IReadOnlyList<DeployRecord> Dropped) Add(DeployRecord record, int depth)
    {
        var all = new[] { record }.Concat(Deploys.Where(d => d.Id != record.Id)).ToArray();
        return (this with { Deploys = all.Take(depth).ToArray() }, all.Skip(depth).ToArray());
    }
}
