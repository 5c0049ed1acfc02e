using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Provisioning;

/// <summary><c>move-to-postgres</c>: the enrolments (claim codes) of an embedded fleet's <c>registry.db</c>.</summary>
public sealed class EnrolmentDataCopier : RegistryFileCopier
{
    public override string What => "enrolments";

    /// <summary>After the devices (10), which redeemed enrolments name, and the centres' data (11, 12).</summary>
    public override int Order => 13;

    protected override string[] Tables => ["enrolments"];

    protected override Task<long> CopyAsync(RegistryFile db, NpgsqlConnection connection, CancellationToken cancellationToken) =>
        CopyRowsAsync(connection, db.Collection<Enrolment>(LiteEnrolmentStore.Collection),
            $"INSERT INTO enrolments ({PostgresEnrolmentStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING",
            PostgresEnrolmentStore.AddValues, cancellationToken);
}
