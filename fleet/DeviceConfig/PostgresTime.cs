namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// PostgreSQL's <c>timestamptz</c> takes UTC <see cref="DateTime"/>s only; LiteDB and callers may hand unspecified ones.
/// Also used by the commands store: one rule for both.
/// </summary>
internal static class PostgresTime
{
    public static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    public static object Utc(DateTime? value) => value is { } v ? Utc(v) : DBNull.Value;
}
