using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>
/// Advances the active rollouts (<see cref="RolloutGate"/> decides) every <see cref="ReleaseOptions.TickSeconds"/>,
/// and at once when any node says rollouts changed (<see cref="ChangeTopics.Rollouts"/>: a rollout started or halted,
/// a device reported): offers the update to the devices whose turn and maintenance window it is, withdraws offers
/// whose window closed, halts a rollout at the first refusal or rollback, completes it when every device is healthy,
/// and withdraws the offers of devices that finished and of rollouts that ended.
/// A singleton job: it works only while this node leads (<see cref="IFleetLeadership"/>) and keeps nothing in memory
/// that the next leader needs. Which devices hold an offer is in the store (<see cref="RolloutTarget.Offered"/>),
/// claimed there before the offer is published, so one offer goes out per device and stage even if two nodes ever
/// planned at once. When this node becomes the leader (at start on a single node) it publishes again, with a fresh
/// token, the offers still waiting: the embedded broker's retained messages die with it, and a leader that died
/// between claiming and publishing left an offer that no device received. The device ignores an offer it already acts on.
/// </summary>
public sealed class RolloutScheduler : BackgroundService
{
    private readonly IRolloutStore _rollouts;
    private readonly IReleaseStore _releases;
    private readonly IUpdateOfferSender _sender;
    private readonly MaintenanceWindow _window;
    private readonly FleetAddress _address;
    private readonly IFleetLeadership _leadership;
    private readonly IChangeFeed _changes;
    private readonly IOptions<ReleaseOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RolloutScheduler> _logger;
    private readonly SemaphoreSlim _tickLock = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private bool _led;

    public RolloutScheduler(
        IRolloutStore rollouts, IReleaseStore releases, IUpdateOfferSender sender, MaintenanceWindow window, FleetAddress address,
        IFleetLeadership leadership, IChangeFeed changes, IOptions<ReleaseOptions> options, TimeProvider time, ILogger<RolloutScheduler> logger)
    {
        _rollouts = rollouts;
        _releases = releases;
        _sender = sender;
        _window = window;
        _address = address;
        _leadership = leadership;
        _changes = changes;
        _options = options;
        _time = time;
        _logger = logger;
        changes.Subscribe(ChangeTopics.Rollouts, () => _wake.Writer.TryWrite(true));
    }

    /// <summary>Not leading: how often to look whether this node leads now (the lock is tried every second).</summary>
    private static readonly TimeSpan FollowerCheck = TimeSpan.FromSeconds(1);

    /// <summary>Tells the leader, on whichever node, that rollouts changed and should advance now.</summary>
    public Task NudgeAsync(CancellationToken cancellationToken) => _changes.PublishAsync(ChangeTopics.Rollouts, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (StoreUnavailableException)
            {
                // A store file is down: logged once per outage and counted by StoreOutages; tried again next tick.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Advancing the rollouts failed");
            }

            var tick = TimeSpan.FromSeconds(_options.Value.TickSeconds);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(_leadership.IsLeader || tick < FollowerCheck ? tick : FollowerCheck);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One round over every rollout, when this node leads; nothing otherwise.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _tickLock.WaitAsync(cancellationToken);
        try
        {
            if (!_leadership.IsLeader)
            {
                _led = false;
                return;
            }

            // Stale offers go first: a device whose rollout ended may be in a new one, whose offer must not be withdrawn after it went out.
            foreach (var target in await _rollouts.StaleOffersAsync(cancellationToken))
            {
                await WithdrawAsync(target.RolloutId, target.DeviceId, cancellationToken);
            }

            var active = (await _rollouts.ListAsync(cancellationToken)).Where(r => r.Status == RolloutStates.Active).ToList();
            if (!_led)
            {
                _led = true;
                await RepublishWaitingOffersAsync(active, cancellationToken);
            }

            foreach (var rollout in active)
            {
                await AdvanceAsync(rollout, cancellationToken);
            }
        }
        finally
        {
            _tickLock.Release();
        }
    }

    /// <summary>Ends an active rollout (an operator's halt); its waiting offers are withdrawn by the leader's next round.</summary>
    public async Task HaltAsync(Rollout rollout, string reason, CancellationToken cancellationToken)
    {
        if (await _rollouts.EndAsync(rollout.Id, RolloutStates.Halted, reason, cancellationToken))
        {
            _logger.LogWarning("Rollout {Rollout} of {Version} halted: {Reason}", rollout.Id, rollout.Version, reason);
        }
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private async Task AdvanceAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var targets = await _rollouts.TargetsAsync(rollout.Id, cancellationToken);
        var offered = targets.Where(t => t.Offered).Select(t => t.DeviceId).ToHashSet(StringComparer.Ordinal);
        var step = RolloutGate.Decide(targets, _window.IsOpen, offered.Contains);
        if (step.Halt is not null)
        {
            // Its offers still waiting are stale now: the next round, at once, withdraws them.
            await HaltAsync(rollout, step.Halt, cancellationToken);
            _wake.Writer.TryWrite(true);
            return;
        }

        if (step.Completed)
        {
            if (await _rollouts.EndAsync(rollout.Id, RolloutStates.Completed, null, cancellationToken))
            {
                _logger.LogInformation("Rollout {Rollout} of {Version} completed: every device healthy", rollout.Id, rollout.Version);
            }

            return;
        }

        foreach (var device in step.Withdraw)
        {
            _logger.LogInformation("Rollout {Rollout}: {Device}'s maintenance window closed before it acted; offer withdrawn", rollout.Id, device);
            await WithdrawAsync(rollout.Id, device, cancellationToken);
        }

        if (step.Offer.Count == 0)
        {
            return;
        }

        if (await _releases.FindAsync(rollout.Version, cancellationToken) is not { } release)
        {
            await HaltAsync(rollout, $"release {rollout.Version} is no longer stored", cancellationToken);
            return;
        }

        foreach (var device in step.Offer)
        {
            await OfferAsync(rollout, release, device, again: false, cancellationToken);
        }
    }

    private async Task RepublishWaitingOffersAsync(IReadOnlyList<Rollout> active, CancellationToken cancellationToken)
    {
        foreach (var rollout in active)
        {
            var waiting = (await _rollouts.TargetsAsync(rollout.Id, cancellationToken)).Where(t => t.Offered && t.State == UpdateStates.Pending).ToList();
            if (waiting.Count > 0 && await _releases.FindAsync(rollout.Version, cancellationToken) is { } release)
            {
                foreach (var target in waiting)
                {
                    await OfferAsync(rollout, release, target.DeviceId, again: true, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Claims the offer in the store (a pending device not offered yet, or still offered when <paramref name="again"/>),
    /// with the hash of a fresh token, then publishes it; nothing is published when the claim fails.
    /// </summary>
    private async Task OfferAsync(Rollout rollout, ReleaseView release, string deviceId, bool again, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var claimed = false;
        await _rollouts.UpdateAsync(rollout.Id, deviceId, t =>
        {
            if (t.State != UpdateStates.Pending || t.Offered != again)
            {
                return false;
            }

            t.Offered = true;
            t.TokenHashes.Add(HashToken(token));
            t.OfferedAt = _time.GetUtcNow().UtcDateTime;
            claimed = true;
            return true;
        }, cancellationToken);
        if (!claimed)
        {
            return;
        }

        var basePath = $"{_address.BaseUrl().TrimEnd('/')}/api/v1/updates/{Uri.EscapeDataString(rollout.Id)}/{Uri.EscapeDataString(deviceId)}";
        var offer = new UpdateOffer(rollout.Id, release.Version, release.Sha256, release.Size, release.Signature, basePath + "/archive", basePath + "/report", token);
        try
        {
            await _sender.OfferAsync(deviceId, offer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not published: give the claim back so that a later round offers again.
            await _rollouts.UpdateAsync(rollout.Id, deviceId, t => { t.Offered = false; return true; }, CancellationToken.None);
            throw;
        }

        _logger.LogInformation("Rollout {Rollout}: offered {Version} to {Device}{Again}", rollout.Id, release.Version, deviceId,
            again ? " again (this node now leads)" : " (in its maintenance window)");
    }

    /// <summary>Publishes the withdrawal first, then clears the flag: a leader dying in between only makes the next one withdraw again (harmless).</summary>
    private async Task WithdrawAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        await _sender.WithdrawAsync(deviceId, cancellationToken);
        await _rollouts.UpdateAsync(rolloutId, deviceId, t =>
        {
            if (!t.Offered)
            {
                return false;
            }

            t.Offered = false;
            return true;
        }, cancellationToken);
    }
}
