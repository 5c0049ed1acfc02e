using Edge.Fleet.Devices;
using Edge.Fleet.RatingKeys;
using Edge.Fleet.Store;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Health;

/// <summary>Everything the fleet knows of one device's health at one moment.</summary>
public sealed record DeviceHealth(
    string Id,
    string? Centre,
    string? Counter,
    Liveness Liveness,
    HealthSample? Latest,
    DeviceSequence? Sequence);

/// <summary>
/// Puts together, for every device that has sent a status, a heartbeat or events, its liveness, latest heartbeat
/// and sequence state: what the overview, the alert evaluator and the metrics read. Everything comes from the stores
/// (presence and latest heartbeats through short-lived caches, see <see cref="DevicePresence"/> and
/// <see cref="FleetHeartbeats"/>), so every node answers the same.
/// </summary>
public sealed class FleetHealthReader(
    IEventStore store,
    DevicePresence presence,
    FleetHeartbeats heartbeatsOfFleet,
    IDeviceCentres centres,
    RatingKeyCatalog keys,
    IOptions<HealthOptions> options,
    TimeProvider time)
{
    public async Task<IReadOnlyList<DeviceHealth>> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Events forwarded by a lower fleet are stored as "{fleet}.{device}" (fleet/Federation): not a device of this fleet.
        var sequences = (await store.ListSequencesAsync(cancellationToken)).Where(s => Edge.Wire.DeviceId.IsValid(s.DeviceId)).ToDictionary(s => s.DeviceId, StringComparer.Ordinal);
        var present = await presence.SnapshotAsync(cancellationToken);
        var heartbeats = await heartbeatsOfFleet.SnapshotAsync(cancellationToken);
        var silence = options.Value.SilenceLimit;
        return sequences.Keys.Union(present.Keys).Union(heartbeats.Keys)
            .Order(StringComparer.Ordinal)
            .Select(id =>
            {
                var latest = heartbeats.GetValueOrDefault(id);
                var sequence = sequences.GetValueOrDefault(id);
                var liveness = DeviceLiveness.Judge(present.GetValueOrDefault(id), latest?.ReceivedAt, sequence?.LastReceivedAt, now, silence);
                return new DeviceHealth(id, centres.CentreOf(id), keys.CounterOf(id), liveness, latest, sequence);
            })
            .ToList();
    }

    /// <summary>
    /// The fleet's one "last seen" of each device: the latest of its heartbeat, its stored events and its status or
    /// connection (<see cref="DeviceLiveness"/>). <c>/api/v1/devices</c>, <c>/api/v1/health</c> and
    /// <c>/api/v1/registry</c> all show this value, so it moves with every heartbeat and connection.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset?>> LastSeenAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).ToDictionary(d => d.Id, d => d.Liveness.LastSeen, StringComparer.Ordinal);

    public async Task<DeviceHealth?> ReadAsync(string deviceId, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).FirstOrDefault(d => d.Id == deviceId);
}
