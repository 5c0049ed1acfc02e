using Edge.Device.Outbox;

namespace Edge.Device.Watchdog;

/// <summary>Beats for the outbox writer while its thread lives (it sleeps when idle, so liveness, not activity).</summary>
public sealed class OutboxWriterProbe(OutboxStore outbox, LoopHeartbeats heartbeats) : BackgroundService
{
    public const string LoopName = "outbox-writer";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(LoopName, TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        do
        {
            if (outbox.WriterAlive)
            {
                heartbeats.Beat(LoopName);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
