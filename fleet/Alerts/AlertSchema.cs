using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Alerts;

/// <summary>PostgreSQL tables of alerts and the centres' alert rules (migration versions 30-39; see <see cref="PostgresSchema"/>).</summary>
public static class AlertSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(30, "alerts, alert notices, alert holds, centre alert rules", """
            CREATE TABLE alerts (
                id          text        PRIMARY KEY,
                key         text        NOT NULL,
                kind        text        NOT NULL,
                severity    text        NOT NULL,
                device_id   text,
                counter     text,
                centre      text,
                detail      text        NOT NULL,
                opened_at   timestamptz NOT NULL,
                resolved_at timestamptz
            );
            -- At most one open alert per problem, whichever node evaluates: the second insert does nothing.
            CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE resolved_at IS NULL;
            CREATE INDEX alerts_opened_at ON alerts (opened_at);

            -- The webhook's outbox: one row per alert and transition (id = alert id/event), written in the same
            -- transaction as the transition. state: pending -> sending (claimed until due_at) -> sent | failed.
            CREATE TABLE alert_notices (
                id         text        PRIMARY KEY,
                alert_id   text        NOT NULL REFERENCES alerts (id),
                event      text        NOT NULL,
                state      text        NOT NULL,
                attempts   integer     NOT NULL DEFAULT 0,
                due_at     timestamptz NOT NULL,
                created_at timestamptz NOT NULL,
                sent_at    timestamptz,
                last_error text
            );
            CREATE INDEX alert_notices_due ON alert_notices (due_at) WHERE state IN ('pending', 'sending');

            -- Conditions reported but still within their hold time, so that a new leader keeps counting.
            CREATE TABLE alert_holds (
                key   text        PRIMARY KEY,
                since timestamptz NOT NULL
            );

            -- What managers changed through PUT /api/v1/alerts/rules/{centre} (AlertRuleSettings as JSON).
            CREATE TABLE alert_centre_rules (
                centre text  PRIMARY KEY,
                rules  jsonb NOT NULL
            );
            """),
    ];
}
