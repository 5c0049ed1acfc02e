using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Reports;

/// <summary>PostgreSQL tables of the reports (versions 90-99).</summary>
public static class ReportSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(90, "report e-mails sent once per centre, period and person", """
            CREATE TABLE report_mails (
                id text PRIMARY KEY,
                state text NOT NULL,
                attempts integer NOT NULL,
                claimed_until timestamptz NOT NULL,
                created_at timestamptz NOT NULL,
                sent_at timestamptz,
                last_error text
            );
            """),
    ];
}
