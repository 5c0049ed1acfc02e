using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Edge.LoadGen;

/// <summary>
/// Runs one <see cref="LoadOptions.Mode"/> from start to end and says what happened. <paramref name="phase"/> hears
/// <c>connected</c> (idle: the connections are now held), <c>window-start</c> and <c>window-end</c> (saturate), so that
/// a program that started this one can measure its servers over the same span.
/// </summary>
public sealed class LoadScenario(LoadOptions options, ILogger<LoadScenario> logger, Action<string>? phase = null)
{
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var devices = new SimulatedDevices(options);
        devices.AddBacklog(options.Backlog);
        logger.LogInformation("Connecting {Devices} devices to {Host}:{Port} ({Concurrency} attempts at once, {Sources} source address(es))",
            options.Devices, options.Host, options.Port, options.ConnectConcurrency, options.SourceAddresses);
        var connect = await devices.ConnectAllAsync(options.ConnectTimeout);
        logger.LogInformation("{Connected} of {Devices} connected in {Elapsed:F1} s ({Failed} failed attempts)",
            connect.Connected, connect.Devices, connect.Elapsed.TotalSeconds, connect.FailedAttempts);
        var report = new LoadReport(options, connect);
        phase?.Invoke("connected");
        if (options.Mode == LoadModes.Idle)
        {
            // Held even when not all got in: how many a server holds is the figure.
            await Task.Delay(options.Duration, cancellationToken);
            report.StillConnected = devices.Connected;
            return report;
        }

        if (!connect.All)
        {
            report.StillConnected = devices.Connected;
            return report;
        }

        if (options.Mode == LoadModes.Saturate)
        {
            await SaturateAsync(devices, report, cancellationToken);
            return report;
        }

        var sw = Stopwatch.StartNew();
        logger.LogInformation("Generating {Rate} events/s for {Duration}", options.Rate, options.Duration);
        await devices.PaceAsync(options.Rate, options.Duration, cancellationToken);
        report.Drained = await devices.WaitDrainedAsync(options.DrainTimeout);
        report.Elapsed = sw.Elapsed;
        report.Numbered = devices.Numbered;
        report.Acked = devices.Acked;
        report.Latencies = devices.Latencies.TakeSorted();
        logger.LogInformation("{Acked} of {Numbered} events acknowledged in {Elapsed:F1} s", report.Acked, report.Numbered, report.Elapsed.TotalSeconds);

        if (options.Mode == LoadModes.Storm && report.Drained)
        {
            logger.LogInformation("Storm: all {Devices} devices drop, gather {Backlog} events each, and reconnect at once", options.Devices, options.StormBacklog);
            report.Storm = await devices.StormAsync(options.StormBacklog, options.DrainTimeout);
            report.Numbered = devices.Numbered;
            report.Acked = devices.Acked;
            report.Drained = report.Storm.Drained is not null;
        }

        report.Resends = devices.Devices.Sum(d => d.Resends);
        report.BatchesSent = devices.Devices.Sum(d => d.BatchesSent);
        report.StillConnected = devices.Connected;
        report.DevicesDrained = devices.Devices.Count(d => d.IsDrained);
        return report;
    }

    /// <summary>More events than any server takes in the window: every device always has a full window to send.</summary>
    private async Task SaturateAsync(SimulatedDevices devices, LoadReport report, CancellationToken cancellationToken)
    {
        devices.AddBacklog(1_000_000);
        await Task.Delay(options.WarmUp, cancellationToken);
        devices.Latencies.TakeSorted();
        var ackedBefore = devices.Acked;
        phase?.Invoke("window-start");
        var window = Stopwatch.StartNew();
        await Task.Delay(options.Duration, cancellationToken);
        report.Acked = devices.Acked - ackedBefore;
        report.Elapsed = window.Elapsed;
        phase?.Invoke("window-end");
        report.Latencies = devices.Latencies.TakeSorted();
        report.Numbered = devices.Numbered;
        report.Resends = devices.Devices.Sum(d => d.Resends);
        report.BatchesSent = devices.Devices.Sum(d => d.BatchesSent);
        report.StillConnected = devices.Connected;
        logger.LogInformation("{Acked} events acknowledged in the {Window:F1} s window", report.Acked, report.Elapsed.TotalSeconds);
    }
}
