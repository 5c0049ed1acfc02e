using System.Collections.Concurrent;

namespace Edge.Fleet.Health;

/// <summary>
/// The latest heartbeat of every device, in memory for the evaluator and the dashboard; filled from the store at
/// start (see <see cref="HealthRecorder"/>) and by <see cref="HeartbeatIntake"/> as heartbeats arrive.
/// A heartbeat older than the one held (a late or repeated delivery) is ignored: the board only moves forward.
/// </summary>
public sealed class HeartbeatBoard
{
    private readonly ConcurrentDictionary<string, HealthSample> _latest = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="sample"/> if it is newer than what is held; returns whether it was.</summary>
    public bool Offer(HealthSample sample)
    {
        while (true)
        {
            if (!_latest.TryGetValue(sample.DeviceId, out var held))
            {
                if (_latest.TryAdd(sample.DeviceId, sample))
                {
                    return true;
                }

                continue;
            }

            if (IsOlder(sample, held))
            {
                return false;
            }

            if (_latest.TryUpdate(sample.DeviceId, sample, held))
            {
                return true;
            }
        }
    }

    public HealthSample? Latest(string deviceId) => _latest.GetValueOrDefault(deviceId);

    public IReadOnlyDictionary<string, HealthSample> Snapshot() => new Dictionary<string, HealthSample>(_latest, StringComparer.Ordinal);

    /// <summary>
    /// Ordered by the device's uptime within one boot (immune to its wall clock jumping when NTP syncs); a smaller
    /// uptime with a later receive time is a reboot, which is newer.
    /// </summary>
    internal static bool IsOlder(HealthSample sample, HealthSample held) =>
        sample.ReceivedAt < held.ReceivedAt
        || (sample.Report.UptimeS < held.Report.UptimeS && sample.Report.At <= held.Report.At && sample.ReceivedAt <= held.ReceivedAt);
}
