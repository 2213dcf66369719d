using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Snapshot;
using StaticOffload.Storage;

namespace StaticOffload.Baseline;

/// <summary>
/// What the sync believes the bucket holds comes from three places it does not fully control: the local snapshot (a
/// file anyone can edit or copy from another project), the bucket's listing and its state object (both written by
/// whoever can write the bucket). A key from any of them that the sync does not manage (outside the prefix, in the
/// reserved folder, or one the key rule refuses) is dropped here: it is never compared, overwritten, deleted or
/// recorded, and it never blocks a deploy. One warning per run names them.
/// </summary>
public sealed class BaselineGuard(string prefix)
{
    private const int KeysShown = 5;

    private readonly SortedDictionary<string, string> _refused = new(StringComparer.Ordinal);

    public Dictionary<string, SnapshotEntry> Entries(Dictionary<string, SnapshotEntry> entries, string source)
    {
        var refused = entries.Keys.Where(key => !ObjectKeys.IsManaged(prefix, key)).ToArray();
        if (refused.Length == 0)
        {
            return entries;
        }

        var kept = new Dictionary<string, SnapshotEntry>(entries, StringComparer.Ordinal);
        foreach (var key in refused)
        {
            kept.Remove(key);
            _refused.TryAdd(key, source);
        }

        return kept;
    }

    public IReadOnlyList<RemoteObject> Listing(IReadOnlyList<RemoteObject> objects)
    {
        if (objects.All(o => ObjectKeys.IsManaged(prefix, o.Key)))
        {
            return objects;
        }

        var kept = new List<RemoteObject>(objects.Count);
        foreach (var o in objects)
        {
            if (ObjectKeys.IsManaged(prefix, o.Key))
            {
                kept.Add(o);
            }
            else
            {
                _refused.TryAdd(o.Key, "the bucket listing");
            }
        }

        return kept;
    }

    /// <summary>The one warning that names what was left alone, or null when nothing was.</summary>
    public Diagnostic? Warning()
    {
        if (_refused.Count == 0)
        {
            return null;
        }

        var shown = string.Join(", ", _refused.Take(KeysShown).Select(r => $"'{ObjectKeys.Printable(r.Key)}' ({Why(r.Key)}; from {r.Value})"));
        return Messages.UnmanageableKeys(_refused.Count, shown, _refused.Count - KeysShown);
    }

    private string Why(string key) =>
        !key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length ? $"not below the prefix '{prefix}'"
        : ObjectKeys.IsReserved(prefix, key) ? "in the reserved state folder"
        : ObjectKeys.KeyProblem(key) ?? "not managed";
}
