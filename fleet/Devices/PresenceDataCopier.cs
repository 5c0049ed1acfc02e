using Edge.Fleet.Store;
using Edge.Fleet.Store.Moving;
using Npgsql;

namespace Edge.Fleet.Devices;

/// <summary>Moves an embedded fleet's device presence (<c>presence.db</c>) into PostgreSQL; a device's presence is added only where absent.</summary>
public sealed class PresenceDataCopier : IEmbeddedDataCopier
{
    public string What => "device presence";

    public int Order => 21;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "device_presence");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var presenceFile = source.FileIn("presence.db");
        if (!File.Exists(presenceFile))
        {
            return 0;
        }

        using var lite = new LitePresenceStore(presenceFile);
        return await new PostgresPresenceStore(target).ImportAsync(await lite.ReadAllAsync(cancellationToken), cancellationToken);
    }
}
