using Edge.Fleet.Store;
using Edge.Fleet.Store.Moving;
using LiteDB;
using Npgsql;

namespace Edge.Fleet.Registry;

/// <summary>
/// <c>move-to-postgres</c> for one feature's collections of <c>registry.db</c> (<see cref="RegistryFile"/>: devices
/// here, enrolments in fleet/Provisioning, people in fleet/Auth, the audit log in fleet/Audit): each copies its own
/// rows, in one transaction. Every row keeps its key and a row whose key is already there is left alone
/// (<c>ON CONFLICT DO NOTHING</c>), so running it twice copies nothing twice.
/// </summary>
public abstract class RegistryFileCopier : IEmbeddedDataCopier
{
    private const int RowsPerBatch = 1_000;

    public abstract string What { get; }

    public abstract int Order { get; }

    /// <summary>The PostgreSQL tables it fills, counted by <see cref="CountInTargetAsync"/>.</summary>
    protected abstract string[] Tables { get; }

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, Tables);

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(RegistryFile.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        using var db = new RegistryFile(path);
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var copied = await CopyAsync(db, connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    /// <summary>Copies this feature's collections of <paramref name="db"/> within the open transaction of <paramref name="connection"/>.</summary>
    protected abstract Task<long> CopyAsync(RegistryFile db, NpgsqlConnection connection, CancellationToken cancellationToken);

    /// <summary>Inserts every document of <paramref name="collection"/> with <paramref name="sql"/>, a thousand per round trip.</summary>
    protected static async Task<long> CopyRowsAsync<T>(
        NpgsqlConnection connection, ILiteCollection<T> collection, string sql, Action<NpgsqlParameterCollection, T> addValues,
        CancellationToken cancellationToken)
    {
        var written = 0L;
        foreach (var chunk in LitePages.Of(collection, RowsPerBatch))
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var row in chunk)
            {
                var command = new NpgsqlBatchCommand(sql);
                addValues(command.Parameters, row);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            foreach (NpgsqlBatchCommand command in batch.BatchCommands)
            {
                written += command.RecordsAffected;
            }
        }

        return written;
    }
}
