using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Commands;

/// <summary>Copies <c>commands.db</c> into PostgreSQL for <c>move-to-postgres</c>; commands already there are left alone.</summary>
public sealed class CommandCopier : IEmbeddedDataCopier
{
    public string What => "device commands";

    public int Order => 60;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "commands");

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
        var written = await CopiedRows.InsertAsync(connection, transaction, commands, command =>
        {
            var insert = new NpgsqlBatchCommand(
                $"INSERT INTO commands ({PostgresCommandStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING");
            PostgresCommandStore.AddRow(insert.Parameters, command);
            return insert;
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
