using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Health;

/// <summary>The health feature's meter (<c>Edge.Fleet.Health</c>): heartbeats taken and ignored by <see cref="HeartbeatIntake"/>.</summary>
public sealed class HealthMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Health";

    private readonly Counter<long> _received;
    private readonly Counter<long> _unreadable;

    public HealthMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("edge_heartbeats_received_total", description: "Heartbeats received.");
        _unreadable = meter.CreateCounter<long>("edge_heartbeats_unreadable_total", description: "Heartbeats ignored because they could not be read.");

        // Present (at 0) from the start, as a counter should be for rate() and alerts on it.
        _received.Add(0);
        _unreadable.Add(0);
    }

    public void Received() => _received.Add(1);

    public void Unreadable() => _unreadable.Add(1);
}
