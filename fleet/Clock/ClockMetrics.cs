using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Clock;

/// <summary>
/// Clock placement's meter (<c>Edge.Fleet.Clock</c>): ratings moved to their true time, observed from
/// <see cref="RatingTimePlacer.Placed"/> (the placer's own count, which its tests read too).
/// </summary>
public sealed class ClockMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Clock";

    public ClockMetrics(IMeterFactory meters, RatingTimePlacer placer)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("edge_ratings_placed_in_time_total", () => placer.Placed,
            description: "Ratings stamped by an unsynchronised device clock, moved to their true time.");
    }
}
