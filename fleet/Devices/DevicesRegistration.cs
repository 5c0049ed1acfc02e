using Edge.Fleet.Store;

namespace Edge.Fleet.Devices;

public static class DevicesRegistration
{
    public static IHostApplicationBuilder AddDevices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DevicePresence>();
        return builder;
    }

    /// <summary><c>GET /api/v1/devices</c>: every device that has sent events or a status, sorted by id.</summary>
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/devices", async (IEventStore store, DevicePresence presence, CancellationToken cancellationToken) =>
        {
            var sequences = (await store.ListSequencesAsync(cancellationToken)).ToDictionary(s => s.DeviceId, StringComparer.Ordinal);
            var present = presence.Snapshot();
            var devices = sequences.Keys.Union(present.Keys)
                .Order(StringComparer.Ordinal)
                .Select(id => ToView(id, sequences.GetValueOrDefault(id), present.GetValueOrDefault(id)))
                .ToList();
            return TypedResults.Ok(devices);
        });
        return app;
    }

    private static DeviceView ToView(string id, DeviceSequence? sequence, Presence? presence)
    {
        DateTimeOffset? lastSeen = (sequence?.LastReceivedAt, presence?.LastSeen) switch
        {
            ({ } stored, { } seen) => stored > seen ? stored : seen,
            (var stored, var seen) => stored ?? seen,
        };
        return new DeviceView(
            id,
            presence?.Online ?? false,
            lastSeen,
            sequence?.UpTo ?? 0,
            sequence?.MaxSeq ?? 0,
            sequence?.MaxSeq ?? 0,
            sequence?.Stored ?? 0,
            sequence?.Missing ?? 0,
            sequence?.Dropped ?? 0);
    }
}
