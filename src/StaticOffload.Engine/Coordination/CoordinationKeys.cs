namespace StaticOffload.Coordination;

/// <summary>
/// Where the lease, the history and the deploy manifests live: beside the sync state, in the state bucket. With the
/// default state key that is the prefix's reserved folder (<c>&lt;prefix&gt;.staticoffload/lease.json</c>); a state key of
/// one's own gets them as suffixes (<c>states/site.json.gz.lease.json</c>), so two sites sharing a folder never share them.
/// </summary>
public static class CoordinationKeys
{
    private const string DefaultStateName = "state.json.gz";

    private static string Stem(string stateKey) =>
        stateKey.EndsWith("/" + DefaultStateName, StringComparison.Ordinal) || stateKey == DefaultStateName
            ? stateKey[..^DefaultStateName.Length]
            : stateKey + ".";

    public static string Lease(string stateKey) => Stem(stateKey) + "lease.json";

    public static string History(string stateKey) => Stem(stateKey) + "history.json";

    /// <param name="id">A checked deploy id (<see cref="StaticOffload.History.DeployRecord.IsValidId"/>): it becomes part of a key.</param>
    public static string Manifest(string stateKey, string id) => Stem(stateKey) + "deploys/" + id + ".json.gz";
}
