using Npgsql;

namespace Edge.Fleet.Registry;

/// <summary><c>move-to-postgres</c>: the devices of an embedded fleet's <c>registry.db</c>, first (others refer to them).</summary>
public sealed class RegistryDataCopier : RegistryFileCopier
{
    public override string What => "devices";

    public override int Order => 10;

    protected override string[] Tables => ["registry_devices"];

    protected override Task<long> CopyAsync(RegistryFile db, NpgsqlConnection connection, CancellationToken cancellationToken) =>
        CopyRowsAsync(connection, db.Collection<RegisteredDevice>(LiteDeviceStore.Collection),
            $"INSERT INTO registry_devices ({PostgresDeviceStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
            PostgresDeviceStore.AddValues, cancellationToken);
}
