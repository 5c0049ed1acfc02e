namespace Edge.Fleet.Health;

/// <summary>
/// One device as <c>GET /api/v1/devices</c> serves it. <see cref="UpTo"/>: highest contiguous seq stored (what its
/// ack says); <see cref="HighestSeq"/> and <see cref="MaxSeq"/>: highest seq stored (same value, both names kept);
/// <see cref="Missing"/>: seqs below it not stored (gaps); <see cref="Dropped"/>: events the device dropped itself.
/// Centre, counter, role and status come from the device registry (null for a device it does not know).
/// </summary>
public sealed record DeviceView(
    string Id,
    bool Online,
    DateTimeOffset? LastSeen,
    long UpTo,
    long HighestSeq,
    long MaxSeq,
    long Stored,
    long Missing,
    long Dropped,
    string? Centre = null,
    string? Counter = null,
    string? Role = null,
    string? Status = null);
