using StaticOffload.Diagnostics;
using StaticOffload.Keys;
using StaticOffload.Storage;
using StaticOffload.Sync;

namespace StaticOffload.Coordination;

/// <summary>How long a lease lasts and how a waiting deploy polls; tests shorten them.</summary>
/// <param name="Duration">A lease not renewed for this long is expired and may be taken over.</param>
/// <param name="Wait">How long a deploy waits for another's lease before it fails (StaticOffloadLockTimeout).</param>
public sealed record LeaseTiming(TimeSpan Duration, TimeSpan Wait)
{
    public static LeaseTiming Default { get; } = new(TimeSpan.FromSeconds(Defaults.LeaseSeconds), TimeSpan.FromSeconds(Defaults.LockTimeoutSeconds));

    /// <summary>Renewed three times per duration, so one lost renewal never lets it expire.</summary>
    public TimeSpan RenewEvery => Duration / 3;
}

/// <summary>
/// The deploy lease: one object beside the sync state that a deploy creates with <c>If-None-Match: *</c> before it
/// changes anything, renews with <c>If-Match</c> on its own ETag while it runs, and deletes (again on its ETag) at the
/// end, also after a failure. Whoever finds it held waits, and takes over one that expired with <c>If-Match</c> on the
/// expired lease's ETag, so two waiters never both win. No server of our own: S3's strongly consistent conditional
/// writes are the lock.
/// </summary>
public sealed class DeployLease : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly string _key;
    private LeaseDocument _mine;
    private readonly LeaseTiming _timing;
    private readonly TimeProvider _clock;
    private readonly ISyncLog _log;
    private readonly CancellationTokenSource _lost = new();
    private string? _etag;
    private Task _keeping = Task.CompletedTask;
    private CancellationTokenSource? _stopKeeping;

    private DeployLease(IObjectStore store, string key, LeaseDocument mine, LeaseTiming timing, TimeProvider clock, ISyncLog log)
    {
        _store = store;
        _key = key;
        _mine = mine;
        _timing = timing;
        _clock = clock;
        _log = log;
    }

    /// <summary>False when the store does not honour conditional writes: the deploy runs uncoordinated (SO2011).</summary>
    public bool Coordinated { get; private set; }

    /// <summary>Cancelled when a renewal finds the lease taken by someone else: the deploy must stop changing things.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Who took the lease over while this deploy ran; null while it is ours.</summary>
    public string? LostTo { get; private set; }

    /// <summary>
    /// Takes the lease, waiting for another holder up to <see cref="LeaseTiming.Wait"/>. Throws the coded failure when
    /// it stays held (SO1034), or when the store cannot coordinate and <paramref name="required"/> (SO1036).
    /// </summary>
    /// <param name="probe">
    /// Whether to prove that the store honours <c>If-None-Match</c> (one more request): some S3-compatible stores accept
    /// the header and ignore it. Amazon S3 itself does not need the proof.
    /// </param>
    public static async Task<DeployLease> AcquireAsync(IObjectStore store, string key, DeployIdentity me, string operation,
        LeaseTiming timing, bool probe, bool required, TimeProvider clock, ISyncLog log, List<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var mine = new LeaseDocument(LeaseDocument.CurrentVersion, Guid.NewGuid().ToString("n"), operation, me, now, now + timing.Duration);
        var lease = new DeployLease(store, key, mine, timing, clock, log);
        await lease.TakeAsync(probe, required, diagnostics, cancellationToken).ConfigureAwait(false);
        return lease;
    }

    private async Task TakeAsync(bool probe, bool required, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var started = _clock.GetUtcNow();
        var delay = TimeSpan.FromMilliseconds(250);
        var lastSaid = DateTimeOffset.MinValue;
        while (true)
        {
            var create = await _store.WriteDocumentAsync(_key, Body(), "application/json", WriteCondition.Absent, cancellationToken)
                .ConfigureAwait(false);
            if (create.Outcome == ConditionalOutcome.NotSupported)
            {
                Uncoordinated("it refused the If-None-Match header", required, diagnostics);
                return;
            }

            if (create.Done)
            {
                _etag = create.ETag;
                if (probe && !await ConditionsHoldAsync(cancellationToken).ConfigureAwait(false))
                {
                    await ReleaseQuietlyAsync().ConfigureAwait(false);
                    Uncoordinated("it accepted a second If-None-Match: * create of the same key", required, diagnostics);
                    return;
                }

                Coordinated = true;
                _log.Detail($"StaticOffload: took the deploy lease {ObjectKeys.Printable(_key)} until {_mine.Until.UtcDateTime:HH:mm:ss}Z.");
                return;
            }

            // Held: by whom, and until when?
            var held = await _store.ReadDocumentAsync(_key, LeaseDocument.MaxBytes, cancellationToken).ConfigureAwait(false);
            if (held is null)
            {
                continue; // Released between the two requests.
            }

            var holder = held.TooLarge is null ? LeaseDocument.Parse(held.Body) : null;
            var now = _clock.GetUtcNow();
            var until = holder?.Until ?? (held.LastModified ?? now) + _timing.Duration;
            var who = holder?.Describe() ?? $"an unreadable lease object written {held.LastModified?.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
            if (now > until && held.ETag is { } expired)
            {
                var takeover = await _store.WriteDocumentAsync(_key, Body(), "application/json", WriteCondition.Matching(expired), cancellationToken)
                    .ConfigureAwait(false);
                if (takeover.Done)
                {
                    _etag = takeover.ETag;
                    Coordinated = true;
                    diagnostics.Add(Messages.ExpiredLeaseTakenOver(ObjectKeys.Printable(_key), who));
                    return;
                }

                continue; // Someone else took it over, or its holder renewed it just now.
            }

            var waited = now - started;
            if (waited >= _timing.Wait)
            {
                throw new SyncFailedException(Messages.DeployLeaseHeld(ObjectKeys.Printable(_key), who, _timing.Wait));
            }

            if (now - lastSaid >= TimeSpan.FromSeconds(30))
            {
                _log.Important($"StaticOffload: another deploy holds the lease: {who}. Waiting for it (up to {Reporting.Format.Seconds(_timing.Wait)} in all)…");
                lastSaid = now;
            }

            var remaining = _timing.Wait - waited;
            var untilExpiry = until - now + TimeSpan.FromMilliseconds(50);
            var pause = new[] { delay, remaining, untilExpiry > TimeSpan.Zero ? untilExpiry : delay }.Min();
            await Task.Delay(pause, _clock, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    /// <summary>A second create of the key just written must be refused; a store that accepts it ignores conditions.</summary>
    private async Task<bool> ConditionsHoldAsync(CancellationToken cancellationToken)
    {
        var probe = (_mine with { Token = "probe-" + _mine.Token }).Serialize();
        var again = await _store.WriteDocumentAsync(_key, probe, "application/json", WriteCondition.Probe, cancellationToken)
            .ConfigureAwait(false);
        if (again.Done)
        {
            _etag = again.ETag;
            return false;
        }

        return again.Outcome == ConditionalOutcome.PreconditionFailed;
    }

    private void Uncoordinated(string why, bool required, List<Diagnostic> diagnostics)
    {
        var off = Messages.CoordinationOff(_store.Destination, why, required);
        if (required)
        {
            throw new SyncFailedException(off);
        }

        diagnostics.Add(off);
        Coordinated = false;
    }

    private byte[] Body() => _mine.Serialize();

    /// <summary>Renews the lease in the background until disposed; a renewal refused means it was taken over.</summary>
    public void KeepAlive()
    {
        if (!Coordinated || _stopKeeping is not null)
        {
            return;
        }

        _stopKeeping = new CancellationTokenSource();
        _keeping = KeepAsync(_stopKeeping.Token);
    }

    private async Task KeepAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_timing.RenewEvery, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = _clock.GetUtcNow();
                var renewed = _mine with { Until = now + _timing.Duration };
                DocumentWrite write;
                try
                {
                    // Not cancelled when the deploy ends: a renewal cut off after the store applied it would leave the
                    // release holding a stale ETag, and the lease behind until it expires.
                    write = await _store.WriteDocumentAsync(_key, renewed.Serialize(), "application/json", WriteCondition.Matching(_etag!),
                        CancellationToken.None).ConfigureAwait(false);
                }
                catch (SyncFailedException ex)
                {
                    // A renewal that did not get through: the next tick tries again, well before the lease expires.
                    // Once it has expired, another deploy may hold it: this one must stop changing the bucket.
                    if (_clock.GetUtcNow() < _mine.Until)
                    {
                        continue;
                    }

                    LostTo = $"nobody known: it expired at {_mine.Until.UtcDateTime:HH:mm:ss}Z while it could not be renewed ({ex.Diagnostic.Message})";
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                if (write.Done)
                {
                    _etag = write.ETag;
                    _mine = renewed;
                    continue;
                }

                LostTo = await HolderAsync().ConfigureAwait(false) ?? "someone else (the lease object was replaced or removed)";
                await _lost.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the deploy is over.
        }
    }

    /// <summary>Who holds the lease now, as far as its object says; null when unknown.</summary>
    private async Task<string?> HolderAsync()
    {
        try
        {
            var taken = await _store.ReadDocumentAsync(_key, LeaseDocument.MaxBytes, CancellationToken.None).ConfigureAwait(false);
            return taken is { TooLarge: null } && LeaseDocument.Parse(taken.Body) is { } other ? other.Describe() : null;
        }
        catch (SyncFailedException)
        {
            return null;
        }
    }

    /// <summary>Stops renewing and deletes the lease if it is still ours (its ETag unchanged).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopKeeping is not null)
        {
            await _stopKeeping.CancelAsync().ConfigureAwait(false);
            await _keeping.ConfigureAwait(false);
            _stopKeeping.Dispose();
        }

        if (Coordinated && LostTo is null)
        {
            await ReleaseQuietlyAsync().ConfigureAwait(false);
        }

        _lost.Dispose();
    }

    private async Task ReleaseQuietlyAsync()
    {
        if (_etag is null)
        {
            return;
        }

        try
        {
            // Not cancellable: a lease left behind makes the next deploy wait for its expiry.
            var outcome = await _store.DeleteDocumentAsync(_key, _etag, CancellationToken.None).ConfigureAwait(false);
            _log.Detail(outcome == ConditionalOutcome.Done
                ? $"StaticOffload: released the deploy lease {ObjectKeys.Printable(_key)}."
                : $"StaticOffload: the deploy lease {ObjectKeys.Printable(_key)} was no longer ours; left to its holder.");
        }
        catch (SyncFailedException ex)
        {
            _log.Important($"StaticOffload: the deploy lease {ObjectKeys.Printable(_key)} could not be released ({ex.Diagnostic.Message}); the next deploy takes it over when it expires at {_mine.Until.UtcDateTime:HH:mm:ss}Z or later.");
        }
    }
}
