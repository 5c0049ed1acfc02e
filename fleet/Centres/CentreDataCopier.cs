using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Centres;

/// <summary>
/// Copies an embedded fleet's <c>centres.db</c> (the centre directory) into PostgreSQL for <c>move-to-postgres</c>, in
/// one transaction; a centre already in the target is left as it is (<c>ON CONFLICT DO NOTHING</c>), so a second run
/// writes nothing.
/// </summary>
public sealed class CentreDataCopier : IEmbeddedDataCopier
{
    public string What => "centre directory";

    /// <summary>After the registry (10): its devices name these centres.</summary>
    public int Order => 12;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "centres");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(LiteCentreStore.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyList<Centre> centres;
        using (var store = new LiteCentreStore(path))
        {
            centres = await store.ListAsync(cancellationToken);
        }

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await CopiedRows.InsertAsync(connection, transaction, centres, centre =>
        {
            var command = new NpgsqlBatchCommand($"INSERT INTO centres ({PostgresCentreStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING");
            PostgresCentreStore.AddValues(command.Parameters, centre);
            return command;
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
