using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet;

/// <summary>
/// The fleet's PostgreSQL schema: the events' migrations and every feature's, each in its own range of versions
/// (fleet/Store/Postgres/README.md). Kept here, in the table of contents, so that the store names no feature.
/// </summary>
public static class FleetSchema
{
    /// <summary>Every migration of every feature, in version order.</summary>
    public static PostgresMigrations Migrations { get; } = new(
        PostgresSchema.EventMigrations,
        Registry.RegistrySchema.Migrations,
        CentreLan.CentreLanSchema.Migrations,
        Health.HealthSchema.Migrations,
        Alerts.AlertSchema.Migrations,
        Queue.QueueSchema.Migrations,
        DeviceConfig.DeviceConfigSchema.Migrations,
        Commands.CommandSchema.Migrations,
        Releases.ReleaseSchema.Migrations,
        Broker.BrokerSchema.Migrations,
        Reports.ReportSchema.Migrations,
        Centres.CentreSchema.Migrations,
        Federation.FederationSchema.Migrations);
}
