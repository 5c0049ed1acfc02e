using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Devices;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;

namespace Edge.Fleet.Health;

/// <summary>The devices list: what the event store, presence and heartbeats know of each device, with its registration.</summary>
public static class DevicesEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/devices?centre=</c>: every device that has sent events, a status or a heartbeat (the same devices as <c>/api/v1/health</c>), sorted by id, with its
    /// registration; a manager sees only the devices registered to their centres (403 for another centre).
    /// </summary>
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/devices", async (
            IEventStore store, DevicePresence presence, FleetHealthReader health, DeviceRegistry registry, ClaimsPrincipal user, string? centre,
            CancellationToken cancellationToken) =>
        {
            if (centre is not null && !CentreScope.MaySee(user, centre))
            {
                return Results.Forbid();
            }

            // Events forwarded by a lower fleet are stored as "{fleet}.{device}" (fleet/Federation): not a device of this fleet.
            var sequences = (await store.ListSequencesAsync(cancellationToken)).Where(s => Edge.Wire.DeviceId.IsValid(s.DeviceId)).ToDictionary(s => s.DeviceId, StringComparer.Ordinal);
            var present = await presence.SnapshotAsync(cancellationToken);
            var lastSeen = await health.LastSeenAsync(cancellationToken);
            var devices = sequences.Keys.Union(present.Keys).Union(lastSeen.Keys)
                .Select(id => (Id: id, Registered: registry.Find(id)))
                .Where(d => CentreScope.MaySee(user, d.Registered?.Centre) && (centre is null || d.Registered?.Centre == centre))
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .Select(d => ToView(d.Id, sequences.GetValueOrDefault(d.Id), present.GetValueOrDefault(d.Id), lastSeen.GetValueOrDefault(d.Id), d.Registered))
                .ToList();
            return Results.Ok(devices);
        });
        return app;
    }

    /// <summary><paramref name="lastSeen"/>: the fleet's one last-seen time (<see cref="FleetHealthReader.LastSeenAsync"/>).</summary>
    private static DeviceView ToView(string id, DeviceSequence? sequence, Presence? presence, DateTimeOffset? lastSeen, RegisteredDevice? registered)
    {
        return new DeviceView(
            id,
            presence?.Online ?? false,
            lastSeen,
            sequence?.UpTo ?? 0,
            sequence?.MaxSeq ?? 0,
            sequence?.MaxSeq ?? 0,
            sequence?.Stored ?? 0,
            sequence?.Missing ?? 0,
            sequence?.Dropped ?? 0,
            registered?.Centre,
            registered?.Counter,
            registered?.Role,
            registered?.Status);
    }
}
