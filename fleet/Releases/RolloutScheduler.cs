using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>
/// Advances the active rollouts every <see cref="ReleaseOptions.TickSeconds"/> (<see cref="RolloutGate"/> decides):
/// offers the update to the devices whose turn and maintenance window it is, withdraws offers whose window
/// closed, halts a rollout at the first refusal or rollback, completes it when every device is healthy.
/// Which devices hold an offer is remembered in memory only: after a fleet restart (the embedded broker's
/// retained messages are gone too) the pending devices are offered again, with a fresh token.
/// </summary>
public sealed class RolloutScheduler(
    RolloutBook book,
    ReleaseStore releases,
    IUpdateOfferSender sender,
    MaintenanceWindow window,
    FleetAddress address,
    IOptions<ReleaseOptions> options,
    TimeProvider time,
    ILogger<RolloutScheduler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, bool> _offered = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tickLock = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TickSeconds), time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Advancing the rollouts failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round over every active rollout.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _tickLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var rollout in book.List().Where(r => r.Status == RolloutStates.Active))
            {
                await AdvanceAsync(rollout, cancellationToken);
            }
        }
        finally
        {
            _tickLock.Release();
        }
    }

    /// <summary>A device reached a final state: its retained offer goes (it would only make it report again at every start).</summary>
    public async Task FinishedAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        if (_offered.TryRemove(RolloutTarget.KeyOf(rolloutId, deviceId), out _))
        {
            await sender.WithdrawAsync(deviceId, cancellationToken);
        }
    }

    public bool IsOffered(string rolloutId, string deviceId) => _offered.ContainsKey(RolloutTarget.KeyOf(rolloutId, deviceId));

    public async Task HaltAsync(Rollout rollout, string reason, CancellationToken cancellationToken)
    {
        foreach (var target in book.Targets(rollout.Id).Where(t => t.State == UpdateStates.Pending && IsOffered(rollout.Id, t.DeviceId)))
        {
            await WithdrawAsync(rollout.Id, target.DeviceId, cancellationToken);
        }

        book.SetStatus(rollout.Id, RolloutStates.Halted, reason);
        logger.LogWarning("Rollout {Rollout} of {Version} halted: {Reason}", rollout.Id, rollout.Version, reason);
    }

    private async Task AdvanceAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var targets = book.Targets(rollout.Id);
        var step = RolloutGate.Decide(targets, window.IsOpen, d => IsOffered(rollout.Id, d));
        if (step.Halt is not null)
        {
            await HaltAsync(rollout, step.Halt, cancellationToken);
            return;
        }

        if (step.Completed)
        {
            book.SetStatus(rollout.Id, RolloutStates.Completed, null);
            logger.LogInformation("Rollout {Rollout} of {Version} completed: every device healthy", rollout.Id, rollout.Version);
            return;
        }

        foreach (var device in step.Withdraw)
        {
            logger.LogInformation("Rollout {Rollout}: {Device}'s maintenance window closed before it acted; offer withdrawn", rollout.Id, device);
            await WithdrawAsync(rollout.Id, device, cancellationToken);
        }

        if (step.Offer.Count > 0 && releases.Find(rollout.Version) is not { } release)
        {
            await HaltAsync(rollout, $"release {rollout.Version} is no longer stored", cancellationToken);
            return;
        }

        foreach (var device in step.Offer)
        {
            await OfferAsync(rollout, releases.Find(rollout.Version)!, device, cancellationToken);
        }
    }

    private async Task OfferAsync(Rollout rollout, ReleaseView release, string deviceId, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        book.Update(rollout.Id, deviceId, t =>
        {
            t.TokenHashes.Add(HashToken(token));
            t.OfferedAt = time.GetUtcNow().UtcDateTime;
        });
        var basePath = $"{address.BaseUrl().TrimEnd('/')}/api/v1/updates/{Uri.EscapeDataString(rollout.Id)}/{Uri.EscapeDataString(deviceId)}";
        var offer = new UpdateOffer(rollout.Id, release.Version, release.Sha256, release.Size, release.Signature, basePath + "/archive", basePath + "/report", token);
        await sender.OfferAsync(deviceId, offer, cancellationToken);
        _offered[RolloutTarget.KeyOf(rollout.Id, deviceId)] = true;
        logger.LogInformation("Rollout {Rollout}: offered {Version} to {Device} (in its maintenance window)", rollout.Id, release.Version, deviceId);
    }

    private async Task WithdrawAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        await sender.WithdrawAsync(deviceId, cancellationToken);
        _offered.TryRemove(RolloutTarget.KeyOf(rolloutId, deviceId), out _);
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
