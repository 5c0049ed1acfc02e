using Npgsql;

namespace Edge.Fleet.Federation;

/// <summary>
/// <see cref="IFederationStore"/> on PostgreSQL (<c>federation_cursors</c>, <c>federation_devices</c>). A cursor
/// moves with one conditional upsert (<c>GREATEST</c>), so a late ack never moves it back, whichever node wrote last.
/// </summary>
public sealed class PostgresFederationStore(NpgsqlDataSource dataSource, TimeProvider time) : IFederationStore
{
    public async Task<IReadOnlyDictionary<string, long>> ReadCursorsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT device_id, acked_up_to FROM federation_cursors");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            cursors[reader.GetString(0)] = reader.GetInt64(1);
        }

        return cursors;
    }

    public async Task AdvanceCursorAsync(string deviceId, long ackedUpTo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO federation_cursors (device_id, acked_up_to, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (device_id) DO UPDATE SET acked_up_to = GREATEST(federation_cursors.acked_up_to, excluded.acked_up_to),
                updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new() { Value = deviceId });
        command.Parameters.Add(new() { Value = ackedUpTo });
        command.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordForwardedDeviceAsync(ForwardedDevice device, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO federation_devices (source, device_id, source_centre, first_seen_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (source, device_id) DO UPDATE SET source_centre = excluded.source_centre
            WHERE federation_devices.source_centre <> excluded.source_centre
            """);
        command.Parameters.Add(new() { Value = device.Source });
        command.Parameters.Add(new() { Value = device.DeviceId });
        command.Parameters.Add(new() { Value = device.SourceCentre });
        command.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ForwardedDevice>> ListForwardedDevicesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT source, device_id, source_centre FROM federation_devices ORDER BY source, device_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<ForwardedDevice>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new ForwardedDevice(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return devices;
    }
}
