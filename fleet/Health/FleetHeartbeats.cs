using Edge.Fleet.Devices;

namespace Edge.Fleet.Health;

/// <summary>
/// The latest heartbeat of every device as the whole fleet knows it: the store's latest (which every node's
/// <see cref="HealthRecorder"/> writes), read at most once per <see cref="CacheFor"/>, merged with this node's
/// <see cref="HeartbeatBoard"/> (what arrived here since, not yet written), the newer of the two winning. A node that
/// never saw a device's heartbeats (one serving only HTTP) therefore answers as the others do, at most
/// <see cref="CacheFor"/> plus the recorder's batching (about half a second) behind.
/// </summary>
public sealed class FleetHeartbeats(IHealthStore store, HeartbeatBoard board, TimeProvider time, ILogger<FleetHeartbeats> logger)
{
    /// <summary>How long a read of the store's latest heartbeats answers before the next read asks it again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly ShortLivedCache<IReadOnlyDictionary<string, HealthSample>> _cache = new(CacheFor, time);

    public async Task<IReadOnlyDictionary<string, HealthSample>> SnapshotAsync(CancellationToken cancellationToken)
    {
        var stored = await ReadStoreAsync(cancellationToken);
        var merged = new Dictionary<string, HealthSample>(stored, StringComparer.Ordinal);
        foreach (var (device, local) in board.Snapshot())
        {
            if (!merged.TryGetValue(device, out var held) || !HeartbeatBoard.IsOlder(local, held))
            {
                merged[device] = local;
            }
        }

        return merged;
    }

    private async Task<IReadOnlyDictionary<string, HealthSample>> ReadStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _cache.GetAsync(
                async ct => (await store.LatestAsync(ct)).ToDictionary(s => s.DeviceId, StringComparer.Ordinal),
                (ex, age) => logger.LogWarning("Answering the latest heartbeats from a cache of {Age}: {Error}", age, ex.Message),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The board still has what this node received; the store's view comes back with the store.
            logger.LogWarning("Reading the latest heartbeats from the store failed, answering from this node's: {Error}", ex.Message);
            return new Dictionary<string, HealthSample>(StringComparer.Ordinal);
        }
    }
}
