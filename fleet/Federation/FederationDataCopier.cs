using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Federation;

/// <summary>
/// Copies an embedded fleet's <c>federation.db</c> into PostgreSQL for <c>move-to-postgres</c>, in one transaction:
/// the sender's cursors (without them a moved lower fleet would resend everything: harmless, the upper fleet stores
/// each event once, but slow) and the receiver's forwarded devices (without them the upper fleet's per-centre figures
/// would lose the centres until each device sends again). A row already in the target is left as it is: a second
/// run writes nothing. The forwarded events themselves are events, moved by <see cref="EventCopier"/>.
/// </summary>
public sealed class FederationDataCopier : IEmbeddedDataCopier
{
    public const string FileName = "federation.db";

    public string What => "federation cursors, forwarded devices";

    /// <summary>After the events (0) whose cursors these are.</summary>
    public int Order => 120;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "federation_cursors", "federation_devices");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyDictionary<string, long> cursors;
        IReadOnlyList<ForwardedDevice> devices;
        using (var store = new LiteFederationStore(path, TimeProvider.System))
        {
            cursors = await store.ReadCursorsAsync(cancellationToken);
            devices = await store.ListForwardedDevicesAsync(cancellationToken);
        }

        var now = DateTime.UtcNow;
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long written = 0;
        foreach (var (device, ackedUpTo) in cursors)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO federation_cursors (device_id, acked_up_to, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, transaction);
            command.Parameters.Add(new() { Value = device });
            command.Parameters.Add(new() { Value = ackedUpTo });
            command.Parameters.Add(new() { Value = now });
            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var device in devices)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO federation_devices (source, device_id, source_centre, first_seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", connection, transaction);
            command.Parameters.Add(new() { Value = device.Source });
            command.Parameters.Add(new() { Value = device.DeviceId });
            command.Parameters.Add(new() { Value = device.SourceCentre });
            command.Parameters.Add(new() { Value = now });
            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
