using System.Text.Json;

namespace StaticOffload.Coordination;

/// <summary>
/// The deploy lease object: who holds the right to change the site, since and until when. Read as untrusted input
/// (anyone who can write the bucket can write it): a lease that does not parse is honoured only until its
/// Last-Modified plus one lease duration, then taken over like an expired one.
/// </summary>
/// <param name="Token">Unique per lease taken: tells a renewal of one's own lease from someone else's.</param>
/// <param name="Operation">"deploy" or "rollback".</param>
public sealed record LeaseDocument(int Version, string Token, string Operation, DeployIdentity Holder, DateTimeOffset Since,
    DateTimeOffset Until)
{
    public const int CurrentVersion = 1;

    /// <summary>Leases are small; anything larger is not one.</summary>
    public const long MaxBytes = 16 * 1024;

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, CoordinationJsonContext.Default.LeaseDocument);

    public static LeaseDocument? Parse(byte[] body)
    {
        try
        {
            var lease = JsonSerializer.Deserialize(body, CoordinationJsonContext.Default.LeaseDocument);
            return lease is { Version: CurrentVersion, Token.Length: > 0, Holder.Host.Length: > 0 } && lease.Until >= lease.Since ? lease : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"'agent-7' (GitHub Actions run 123: …), deploying since 06:31:02Z, lease until 06:33:02Z".</summary>
    public string Describe() =>
        $"{Holder.Describe()}, {(Operation == "rollback" ? "rolling back" : "deploying")} since {Since.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, lease until {Until.UtcDateTime:HH:mm:ss}Z";
}
