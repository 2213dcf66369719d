namespace StaticOffload.Planning;

/// <summary>
/// When a key that is no longer published is deleted. Pages cached by a CDN or a browser still reference the
/// previous deploy's assets, so a grace period keeps them for a number of deploys and/or hours: a key is deleted
/// once it has been gone for more than <see cref="AfterDeploys"/> deploys and at least <see cref="AfterAge"/>.
/// </summary>
/// <param name="CurrentDeploy">The number this deploy will have (previous deploys + 1).</param>
/// <param name="Prefix">Only keys below it are ever deleted ("" is the whole bucket, less the reserved folder).</param>
public sealed record DeletePolicy(bool Enabled, int AfterDeploys, TimeSpan AfterAge, int CurrentDeploy, DateTimeOffset Now,
    string Prefix = "")
{
    public static DeletePolicy Immediate { get; } = new(true, 0, TimeSpan.Zero, 1, DateTimeOffset.UnixEpoch);

    public static DeletePolicy Never { get; } = new(false, 0, TimeSpan.Zero, 1, DateTimeOffset.UnixEpoch);

    /// <summary>Below the prefix, outside the reserved folder, within the key rule: see <see cref="Keys.ObjectKeys.IsManaged"/>.</summary>
    public bool MayDelete(string key) => Keys.ObjectKeys.IsManaged(Prefix, key);

    public bool HasGrace => AfterDeploys > 0 || AfterAge > TimeSpan.Zero;

    /// <summary>Due for deletion, given when the key was first found missing (null: just now).</summary>
    public bool IsDue(DateTimeOffset? removedAt, int? removedAtDeploy)
    {
        var deploysSince = CurrentDeploy - (removedAtDeploy ?? CurrentDeploy);
        var enoughDeploys = AfterDeploys == 0 || deploysSince > AfterDeploys;
        var oldEnough = Now - (removedAt ?? Now) >= AfterAge;
        return enoughDeploys && oldEnough;
    }
}
