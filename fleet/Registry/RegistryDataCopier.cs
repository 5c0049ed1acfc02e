using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Store.Moving;
using LiteDB;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Registry;

/// <summary>
/// <c>move-to-postgres</c>: copies an embedded fleet's <c>registry.db</c> (devices, enrolments, people, tokens, audit
/// log) into PostgreSQL, in one transaction. Every row keeps its key (audit entries their ids, and the identity
/// moves past them), and a row whose key is already there is left alone, so running it twice copies nothing twice.
/// </summary>
public sealed class RegistryDataCopier : IEmbeddedDataCopier
{
    private const int RowsPerBatch = 1_000;

    private static readonly string[] Tables = ["registry_devices", "enrolments", "fleet_users", "access_tokens", "audit_log"];

    public string What => "devices, enrolments, people, tokens, audit";

    public int Order => 10;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand(
            "SELECT " + string.Join(" + ", Tables.Select(t => $"(SELECT count(*) FROM {t})")));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

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
        var copied = 0L;
        copied += await CopyAsync(connection, db.Collection<RegisteredDevice>(LiteDeviceStore.Collection),
            $"INSERT INTO registry_devices ({PostgresDeviceStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
            PostgresDeviceStore.AddValues, cancellationToken);
        copied += await CopyAsync(connection, db.Collection<Enrolment>(LiteEnrolmentStore.Collection),
            $"INSERT INTO enrolments ({PostgresEnrolmentStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING",
            PostgresEnrolmentStore.AddValues, cancellationToken);
        copied += await CopyAsync(connection, db.Collection<FleetUser>(LitePeopleStore.UsersCollection),
            $"INSERT INTO fleet_users ({PostgresPeopleStore.UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
            PostgresPeopleStore.AddUserValues, cancellationToken);
        copied += await CopyAsync(connection, db.Collection<AccessToken>(LitePeopleStore.TokensCollection),
            $"INSERT INTO access_tokens ({PostgresPeopleStore.TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            PostgresPeopleStore.AddTokenValues, cancellationToken);
        copied += await CopyAsync(connection, db.Collection<AuditEntry>(LiteAuditStore.Collection),
            $"INSERT INTO audit_log (id, {PostgresAuditStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            (parameters, entry) =>
            {
                parameters.Add(new() { Value = entry.Id });
                PostgresAuditStore.AddValues(parameters, entry);
            }, cancellationToken);

        // Entries appended after the move must not take a copied id.
        await using (var identity = new NpgsqlCommand(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM audit_log), false)", connection))
        {
            await identity.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task<long> CopyAsync<T>(
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
