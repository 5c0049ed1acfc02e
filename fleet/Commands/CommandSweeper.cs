using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Commands;

/// <summary>
/// Ends commands the device never finished: pending past their expiry → expired; running past their timeout plus a
/// grace for the result to arrive → timed out. Either way the retained command is cleared, so it never reaches the
/// device again. At start-up, publishes every pending command again (retained messages of the embedded broker do not
/// survive a restart).
/// </summary>
public sealed class CommandSweeper(
    CommandBook book,
    CommandSender sender,
    IOptions<CommandsOptions> options,
    TimeProvider time,
    ILogger<CommandSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        await SweepAsync(stoppingToken);
        foreach (var pending in book.Open().Where(c => c.State == CommandStates.Pending))
        {
            await sender.PublishAsync(pending, stoppingToken);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.SweepMilliseconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SweepAsync(stoppingToken);
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var grace = TimeSpan.FromSeconds(options.Value.ResultGraceSeconds);
        foreach (var open in book.Open())
        {
            var ended = book.Update(open.Id, c =>
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
            });
            if (ended is not null)
            {
                logger.LogWarning("Command {Id} ({Kind}) for {Device}: {State}", ended.Id, ended.Kind, ended.DeviceId, ended.State);
                await sender.ClearAsync(ended, cancellationToken);
            }
        }
    }
}
