namespace Edge.Fleet.Registry;

/// <summary>A registered device as the API shows it (never its secret hash).</summary>
public sealed record RegisteredDeviceView(
    string Id, string Centre, string Counter, string Role, string Status, string? ReplacedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RetiredAt)
{
    public static RegisteredDeviceView Of(RegisteredDevice d) => new(
        d.Id, d.Centre, d.Counter, d.Role, d.Status, d.ReplacedBy,
        Utc(d.CreatedAt), d.LastSeenAt is { } seen ? Utc(seen) : null, d.RetiredAt is { } retired ? Utc(retired) : null);

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
