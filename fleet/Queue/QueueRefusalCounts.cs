using System.Collections.Concurrent;

namespace Edge.Fleet.Queue;

/// <summary>Refused queue requests by reason since this node started (<c>GET /api/v1/queue/refusals</c>).</summary>
public sealed class QueueRefusalCounts
{
    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

    public void Count(string reason) => _byReason.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> Snapshot() =>
        _byReason.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
