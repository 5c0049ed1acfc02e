using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Queue;

/// <summary>
/// The queue's meter (<c>Edge.Fleet.Queue</c>): what became of events whose ticket was not known yet, and the desk's
/// failures, observed from the counts <see cref="QueueParkingCounts"/> and <see cref="QueueDesk"/> keep (their tests read them too).
/// </summary>
public sealed class QueueMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Queue";

    public QueueMetrics(IMeterFactory meters, QueueParkingCounts parking, QueueDesk desk)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter(
            "edge_queue_parked_events_total",
            () => new[] { Outcome(parking.Parked, "parked"), Outcome(parking.Applied, "applied"), Outcome(parking.Dropped, "dropped") },
            description: "Queue events whose ticket was not known yet: parked, applied once it came, or dropped (the centre's limit reached).");
        meter.CreateObservableCounter("edge_queue_apply_failures_total", () => desk.QueueApplyFailures,
            description: "Event batches not stored because the queue store could not apply them (the devices resend them).");
        meter.CreateObservableCounter("edge_queue_calls_not_answered_total", () => desk.CallsNotAnswered,
            description: "Call requests left unanswered because the queue store could not be used (the counter asks again).");
    }

    private static Measurement<long> Outcome(long count, string outcome) => new(count, new KeyValuePair<string, object?>("outcome", outcome));
}
