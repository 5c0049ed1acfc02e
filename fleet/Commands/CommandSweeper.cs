using Edge.Fleet.Store.Leadership;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Commands;

/// <summary>
/// Ends commands the device never finished: pending past their expiry → expired; running past their timeout plus a
/// grace for the result to arrive → timed out. Either way the retained command is cleared, so it never reaches the
/// device again. A singleton job: it works only while this node leads (<see cref="IFleetLeadership"/>), and each
/// time it starts leading it sends the pending commands again (claimed, see <see cref="CommandSender.DeliverAsync"/>),
/// since the embedded broker's retained messages do not survive a restart. It keeps nothing in memory the next
/// leader needs; the store's atomic update makes a sweep that races a result (or another node) end a command once.
/// </summary>
public sealed class CommandSweeper(
    ICommandStore store,
    CommandSender sender,
    IFleetLeadership leadership,
    IOptions<CommandsOptions> options,
    TimeProvider time,
    ILogger<CommandSweeper> logger) : BackgroundService
{
    private bool _leading;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.SweepMilliseconds));
        do
        {
            try
            {
                await RoundAsync(stoppingToken);
                if (_failing)
                {
                    _failing = false;
                    logger.LogInformation("Command sweeps work again");
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The store is unreachable (PostgreSQL down) or failed: try again next round, never stop the host.
                // Said once per outage, not at every round.
                logger.Log(_failing ? LogLevel.Debug : LogLevel.Warning, "Command sweeps fail, retrying every {Interval} ms: {Error}",
                    options.Value.SweepMilliseconds, ex.Message);
                _failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: nothing unless leading; on becoming leader, pending commands sent again; then the sweep.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (!leadership.IsLeader)
        {
            _leading = false;
            return;
        }

        if (!_leading)
        {
            var sent = await sender.DeliverPendingAsync(null, cancellationToken);
            _leading = true;
            if (sent > 0)
            {
                logger.LogInformation("Leading: {Count} pending commands sent again", sent);
            }
        }

        await SweepAsync(cancellationToken);
    }

    /// <summary>Ends what is due; does nothing (returns 0) unless this node leads. Returns how many commands it ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (!leadership.IsLeader)
        {
            return 0;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var grace = TimeSpan.FromSeconds(options.Value.ResultGraceSeconds);
        var ended = 0;
        foreach (var due in (await store.OpenAsync(null, cancellationToken)).Where(c => End(c, now, grace)))
        {
            // Decided again on the stored row, under its lock: a result may have arrived since the read.
            if (await store.UpdateAsync(due.Id, c => End(c, now, grace), cancellationToken) is not { } command)
            {
                continue;
            }

            ended++;
            logger.LogWarning("Command {Id} ({Kind}) for {Device}: {State}", command.Id, command.Kind, command.DeviceId, command.State);
            await sender.ClearAsync(command, cancellationToken);
        }

        return ended;
    }

    /// <summary>Ends <paramref name="c"/> when due (changing it and returning true).</summary>
    private static bool End(CommandRecord c, DateTime now, TimeSpan grace)
    {
        if (c.State == CommandStates.Pending && now >= c.ExpiresAt)
        {
            c.State = CommandOutcomes.Expired;
            c.Detail = "the device did not take it before it expired";
        }
        else if (c.State == CommandOutcomes.Running && c.StartedAt is { } started && now >= started + TimeSpan.FromSeconds(c.TimeoutSeconds) + grace)
        {
            c.State = CommandOutcomes.TimedOut;
            c.Detail = $"no result within {c.TimeoutSeconds} s (+{grace.TotalSeconds:F0} s grace)";
        }
        else
        {
            return false;
        }

        c.FinishedAt = now;
        return true;
    }
}
