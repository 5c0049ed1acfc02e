using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Edge.LoadGen;

/// <summary>Runs one <see cref="LoadOptions.Mode"/> from start to end and says what happened.</summary>
public sealed class LoadScenario(LoadOptions options, ILogger<LoadScenario> logger)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMinutes(3);

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var devices = new SimulatedDevices(options);
        devices.AddBacklog(options.Backlog);
        logger.LogInformation("Connecting {Devices} devices to {Host}:{Port} ({Concurrency} attempts at once, {Sources} source address(es))",
            options.Devices, options.Host, options.Port, options.ConnectConcurrency, options.SourceAddresses);
        var connect = await devices.ConnectAllAsync(ConnectTimeout);
        logger.LogInformation("{Connected} of {Devices} connected in {Elapsed:F1} s ({Failed} failed attempts)",
            connect.Connected, connect.Devices, connect.Elapsed.TotalSeconds, connect.FailedAttempts);
        var report = new LoadReport(options, connect);
        if (!connect.All)
        {
            return report;
        }

        if (options.Mode == LoadModes.Idle)
        {
            await Task.Delay(options.Duration, cancellationToken);
            report.StillConnected = devices.Connected;
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
        report.StillConnected = devices.Connected;
        return report;
    }
}
