using System.Text.Json;
using Edge.Fleet.Store.Moving;
using Edge.Fleet.Web;
using Npgsql;
using NpgsqlTypes;
using Edge.Fleet.Store;

namespace Edge.Fleet.Alerts;

/// <summary>
/// Copies <c>alerts.db</c> (alerts with the work done on them and their history, their webhook notices and e-mails
/// with their states, the centre rules changed through the API)
/// into PostgreSQL for <c>move-to-postgres</c>. Every insert is <c>ON CONFLICT DO NOTHING</c>: a second run writes
/// nothing, and an alert whose problem is already open in the target is left out rather than opened twice. Holds are
/// not copied: a condition still within its hold time starts counting again on the new store.
/// </summary>
public sealed class AlertDataCopier : IEmbeddedDataCopier
{
    public string What => "alerts, alert notices, centre alert rules";

    public int Order => 30;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand(
            "SELECT (SELECT count(*) FROM alerts) + (SELECT count(*) FROM alert_notices) + (SELECT count(*) FROM alert_centre_rules)"
            + " + (SELECT count(*) FROM alert_actions) + (SELECT count(*) FROM alert_mails)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn("alerts.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var lite = new LiteAlertStore(path);
        var alerts = lite.AllAlerts();
        var notices = lite.AllNotices();
        var rules = await lite.CentreRulesAsync(cancellationToken);
        var actions = lite.AllActions();
        var mails = lite.AllMails();

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long written = 0;
        foreach (var a in alerts)
        {
            written += await ExecuteAsync(connection, """
                INSERT INTO alerts (id, key, kind, severity, device_id, counter, centre, detail, opened_at, resolved_at,
                                    acknowledged_by, acknowledged_at, assigned_to, resolved_by, reopens, parameters)
                VALUES ($1, $2, $3, $4, $5::text, $6::text, $7::text, $8, $9::timestamptz, $10::timestamptz,
                        $11::text, $12::timestamptz, $13::text, $14::text, $15::text, $16::text::jsonb)
                ON CONFLICT DO NOTHING
                """, cancellationToken, a.Id, a.Key, a.Kind, a.Severity, a.DeviceId, a.Counter, a.Centre, a.Detail, a.OpenedAt, a.ResolvedAt,
                a.AcknowledgedBy, a.AcknowledgedAt, a.AssignedTo, a.ResolvedBy, a.Reopens, AlertParametersText.Write(a.Parameters));
        }

        // History entries have no id of their own in alerts.db: copied only for alerts this run wrote, so a second run adds none.
        var copiedAlerts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in alerts)
        {
            if (await ExistsWithoutHistoryAsync(connection, a.Id, cancellationToken))
            {
                copiedAlerts.Add(a.Id);
            }
        }

        foreach (var action in actions.Where(x => copiedAlerts.Contains(x.AlertId)))
        {
            written += await ExecuteAsync(connection, """
                INSERT INTO alert_actions (alert_id, at, actor, action, detail) VALUES ($1, $2::timestamptz, $3, $4, $5::text)
                """, cancellationToken, action.AlertId, action.At, action.Actor, action.Action, action.Detail);
        }

        foreach (var m in mails)
        {
            written += await ExecuteAsync(connection, """
                INSERT INTO alert_mails (id, alert_id, event, person, address, state, attempts, due_at, created_at, sent_at, last_error)
                SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::integer, $8::timestamptz, $9::timestamptz, $10::timestamptz, $11::text
                WHERE EXISTS (SELECT 1 FROM alerts WHERE id = $2)
                ON CONFLICT DO NOTHING
                """, cancellationToken, m.Id, m.AlertId, m.Event, m.Person, m.Address,
                m.State == MailStates.Sending ? MailStates.Pending : m.State, m.Attempts, m.DueAt, m.CreatedAt, m.SentAt, m.LastError);
        }

        foreach (var (n, dueAt) in notices)
        {
            // Only notices of an alert the target holds (one left out above takes its notices with it).
            written += await ExecuteAsync(connection, """
                INSERT INTO alert_notices (id, alert_id, event, state, attempts, due_at, created_at, sent_at, last_error)
                SELECT $1::text, $2::text, $3::text, $4::text, $5::integer, $6::timestamptz, $7::timestamptz, $8::timestamptz, $9::text WHERE EXISTS (SELECT 1 FROM alerts WHERE id = $2)
                ON CONFLICT DO NOTHING
                """, cancellationToken, n.Id, n.AlertId, n.Event,
                n.State == NoticeStates.Sending ? NoticeStates.Pending : n.State, n.Attempts, dueAt, n.CreatedAt, n.SentAt, n.LastError);
        }

        foreach (var (centre, settings) in rules)
        {
            written += await ExecuteAsync(connection, """
                INSERT INTO alert_centre_rules (centre, rules) VALUES ($1, $2) ON CONFLICT DO NOTHING
                """, cancellationToken, centre, new NpgsqlParameter
            {
                Value = JsonSerializer.Serialize(settings, AlertsJson.Default.AlertRuleSettings),
                NpgsqlDbType = NpgsqlDbType.Jsonb,
            });
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static async Task<bool> ExistsWithoutHistoryAsync(NpgsqlConnection connection, string alertId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM alerts WHERE id = $1) AND NOT EXISTS (SELECT 1 FROM alert_actions WHERE alert_id = $1)", connection);
        command.Parameters.Add(new() { Value = alertId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter
            {
                Value = value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset at => at.UtcDateTime,
                    _ => value,
                },
            });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
