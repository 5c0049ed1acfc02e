using Edge.Fleet.Hosting;
using Edge.Fleet.Store.Moving;
using Npgsql;

namespace Edge.Fleet.Commands;

/// <summary>Copies <c>commands.db</c> into PostgreSQL for <c>move-to-postgres</c>; commands already there are left alone.</summary>
public sealed class CommandCopier : IEmbeddedDataCopier
{
    private const int BatchSize = 500;

    public string What => "device commands";

    public int Order => 60;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand("SELECT count(*) FROM commands");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(LiteCommandStore.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyList<CommandRecord> commands;
        using (var lite = new LiteCommandStore(path))
        {
            commands = lite.All();
        }

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long written = 0;
        foreach (var chunk in commands.Chunk(BatchSize))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var command in chunk)
            {
                var insert = new NpgsqlBatchCommand(
                    $"INSERT INTO commands ({PostgresCommandStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING");
                PostgresCommandStore.AddRow(insert.Parameters, command);
                batch.BatchCommands.Add(insert);
            }

            written += await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
