using System.Text.Json;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Peripherals;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Health;

/// <summary>
/// Publishes a <see cref="HealthReport"/> on <c>edge/v1/{device}/health</c> every interval while connected:
/// the backlog (depth, oldest age, drain rate), the machine and the peripherals. Heartbeats are live data and
/// are not buffered; what they say about the backlog is also visible locally on GET /status.
/// </summary>
public sealed class HeartbeatPublisher(
    IOptions<DeviceOptions> device,
    IOptionsMonitor<HealthOptions> options,
    OutboxStore outbox,
    PeripheralStates peripherals,
    HostClock clock,
    IUplinkPublisher uplink,
    ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    public HealthReport Sample()
    {
        var o = outbox.Snapshot();
        var uptimeMs = clock.UptimeMs;
        return new HealthReport
        {
            At = clock.Now,
            UptimeS = uptimeMs / 1000,
            UptimeMs = uptimeMs,
            Run = clock.Run,
            CpuTempC = SystemProbe.CpuTemperatureC(),
            Load1 = SystemProbe.Load1(),
            MemAvailableMb = SystemProbe.MemAvailableMb(),
            DiskFreeMb = SystemProbe.DiskFreeMb(device.Value.ResolvedDataDir),
            OutboxDepth = o.Depth,
            OutboxBytes = o.Bytes,
            OldestUnackedAgeS = o.OldestUnackedAgeS,
            DrainRatePerS = o.DrainRatePerS,
            LastAckedSeq = o.LastAckedSeq,
            DroppedEvents = o.DroppedEvents,
            ClockSynced = clock.Synced,
            HostVersion = HostVersion.Current,
            Peripherals = peripherals.Snapshot(),
            Faults = outbox.Faults.Snapshot() is { Count: > 0 } faults ? faults : null,
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds));
        do
        {
            // The interval may change at run time (a remote configuration): the next tick follows it.
            timer.Period = TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds);
            try
            {
                var payload = JsonSerializer.SerializeToUtf8Bytes(Sample(), WireJson.Default.HealthReport);
                await uplink.TryPublishAsync(Topics.Health(device.Value.Id), payload, retain: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad sample (a probe that failed) must not stop the heartbeat, let alone the host.
                logger.LogError(ex, "Heartbeat failed; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class HealthRegistration
{
    public static IServiceCollection AddHealthReporting(this IServiceCollection services)
    {
        services.AddListedOptions<HealthOptions>(HealthOptions.Section);
        services.AddSingleton<HeartbeatPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<HeartbeatPublisher>());
        return services;
    }
}
