using Npgsql;

namespace Edge.Fleet.Reports;

/// <summary>
/// <see cref="IReportMailStore"/> on PostgreSQL (<c>report_mails</c>): a claim is one conditional upsert, so of two
/// nodes claiming the same mail at once exactly one gets it.
/// </summary>
public sealed class PostgresReportMailStore(NpgsqlDataSource dataSource) : IReportMailStore
{
    public async Task<bool> TryClaimAsync(string mailId, DateTimeOffset now, TimeSpan claimFor, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO report_mails (id, state, attempts, claimed_until, created_at) VALUES ($1, 'sending', 1, $3, $2)
            ON CONFLICT (id) DO UPDATE SET state = 'sending', attempts = report_mails.attempts + 1, claimed_until = excluded.claimed_until
            WHERE report_mails.state NOT IN ('sent', 'failed') AND report_mails.claimed_until <= $2 AND report_mails.attempts < $4
            RETURNING id
            """);
        command.Parameters.Add(new() { Value = mailId });
        command.Parameters.Add(new() { Value = now.UtcDateTime });
        command.Parameters.Add(new() { Value = (now + claimFor).UtcDateTime });
        command.Parameters.Add(new() { Value = maxAttempts });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task MarkSentAsync(string mailId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE report_mails SET state = 'sent', sent_at = $2 WHERE id = $1");
        command.Parameters.Add(new() { Value = mailId });
        command.Parameters.Add(new() { Value = at.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkNotSentAsync(string mailId, string error, bool final, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE report_mails SET state = $2, claimed_until = '-infinity', last_error = $3 WHERE id = $1");
        command.Parameters.Add(new() { Value = mailId });
        command.Parameters.Add(new() { Value = final ? ReportMailStates.Failed : ReportMailStates.Pending });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ReportMailRecord>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, state, attempts, claimed_until, sent_at, last_error, created_at FROM report_mails ORDER BY created_at DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ReportMailRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var claimed = reader.GetFieldValue<DateTime>(3);
            rows.Add(new ReportMailRecord(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
                claimed == DateTime.MinValue ? DateTimeOffset.MinValue : new DateTimeOffset(claimed, TimeSpan.Zero),
                reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero),
                reader.IsDBNull(5) ? null : reader.GetString(5))
            {
                CreatedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(6), TimeSpan.Zero),
            });
        }

        return rows;
    }

    public async Task<bool> RetryFailedAsync(string mailId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE report_mails SET state = '{ReportMailStates.Pending}', attempts = 0, claimed_until = '-infinity'
            WHERE id = $1 AND state = '{ReportMailStates.Failed}'
            """);
        command.Parameters.Add(new() { Value = mailId });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
