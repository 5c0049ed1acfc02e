using Edge.Testing;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// The server side of the soak as it ships: one fleet process with its default configuration (LiteDB store, device
/// authentication required; only the per-address limit on claim-code redemptions raised, for the 200 provisionings) on a data disk the soak can fill, and the broker devices connect to: the fleet's embedded
/// one, or a Mosquitto in front of it (<c>--broker external</c>; anonymous, as in the ingest benchmarks, since the
/// fleet keeps no accounts in a Mosquitto without the dynamic security plugin, whose state a restart would lose).
/// </summary>
public sealed class SoakServer : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    private ThrowawayMosquitto? _mosquitto;

    private SoakServer(FleetRunner fleet, FleetDataDisk disk, ThrowawayMosquitto? mosquitto)
    {
        Fleet = fleet;
        Disk = disk;
        _mosquitto = mosquitto;
    }

    public FleetRunner Fleet { get; }

    public FleetDataDisk Disk { get; }

    /// <summary>Where devices connect: the embedded broker, or Mosquitto.</summary>
    public int DevicePort => _mosquitto?.Port ?? Fleet.MqttPort;

    public bool ExternalBroker => _mosquitto is not null;

    public static async Task<SoakServer> StartAsync(TempFolder folder, SoakOptions options)
    {
        var disk = options.Faults.Contains(SoakFaultKinds.DiskFull)
            ? await FleetDataDisk.MountAsync(folder["fleet"], options.DiskMiB)
            : FleetDataDisk.Plain(folder["fleet"], "disk-full is not in --faults");
        ThrowawayMosquitto? mosquitto = null;
        FleetRunner? fleet = null;
        try
        {
            // Every device is provisioned from 127.0.0.1 at the start: the per-address limit on claim-code
            // redemptions (brute-force protection, default a few a minute) is raised for that, and only that.
            List<string> args = ["--Provisioning:AttemptsPerMinute=10000"];
            if (options.Broker == "external")
            {
                mosquitto = await ThrowawayMosquitto.StartAsync();
                args.AddRange(
                [
                    "--Broker:Mode=external",
                    "--Broker:External:Host=127.0.0.1",
                    $"--Broker:External:Port={mosquitto.Port}",
                    "--Broker:External:ClientId=soak-fleet",
                ]);
            }

            fleet = new FleetRunner(disk.Path, [.. args]) { StartTimeout = TimeSpan.FromMinutes(3) };
            await fleet.StartAsync();
            return new SoakServer(fleet, disk, mosquitto);
        }
        catch
        {
            fleet?.Dispose();
            mosquitto?.Dispose();
            disk.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL of the fleet and a start on the same data; returns once it answers HTTP again.</summary>
    public async Task KillFleetAndRestartAsync()
    {
        Fleet.Kill();
        await Fleet.StartAsync();
    }

    /// <summary>
    /// The broker stops (every device loses its connection) and starts again on the same port: with the embedded
    /// broker that is the fleet stopped by SIGTERM and started; Mosquitto is killed and started without persistence.
    /// </summary>
    public async Task RestartBrokerAsync()
    {
        if (_mosquitto is { } mosquitto)
        {
            var port = mosquitto.Port;
            mosquitto.Dispose();
            _mosquitto = null;
            _mosquitto = await ThrowawayMosquitto.StartAsync(port: port);
            return;
        }

        await Fleet.StopAsync(StopGrace);
        await Fleet.StartAsync();
    }

    public ValueTask DisposeAsync()
    {
        Fleet.Dispose();
        _mosquitto?.Dispose();
        Disk.Dispose();
        return ValueTask.CompletedTask;
    }
}
