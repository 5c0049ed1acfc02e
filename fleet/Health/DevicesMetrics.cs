using System.Diagnostics.Metrics;
using Edge.Fleet.Devices;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Health;

/// <summary>
/// The devices' meter (<c>Edge.Fleet.Devices</c>): devices with an open session and devices by liveness. Both are read
/// from stores (presence, heartbeats, sequences), so each gauge reports a <see cref="CachedReading{T}"/>: a scrape never
/// waits on a store, and while one is down the family is left out (<c>edge_store_up</c> says why).
/// </summary>
public sealed class DevicesMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Devices";

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public DevicesMetrics(IMeterFactory meters, DevicePresence presence, FleetHealthReader health)
    {
        var connected = new CachedReading<IReadOnlyDictionary<string, Presence>>(presence.SnapshotAsync, ReadTimeout);
        var devices = new CachedReading<IReadOnlyList<DeviceHealth>>(health.ReadAsync, ReadTimeout);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "edge_devices_connected",
            () => connected.Latest() is { } present ? [new Measurement<long>(present.Values.Count(p => p.Online))] : Array.Empty<Measurement<long>>(),
            description: "Devices with an open broker session announced online (as the presence store has it).");
        meter.CreateObservableGauge(
            "edge_devices",
            () => devices.Latest() is { } known
                ? [new Measurement<long>(known.Count(d => d.Liveness.Online), new KeyValuePair<string, object?>("state", "online")),
                   new Measurement<long>(known.Count(d => !d.Liveness.Online), new KeyValuePair<string, object?>("state", "offline"))]
                : Array.Empty<Measurement<long>>(),
            description: "Devices known to the fleet by liveness (status, heartbeats and stored events).");
    }
}
