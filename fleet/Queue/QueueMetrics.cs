using Edge.Fleet.Metrics;

namespace Edge.Fleet.Queue;

/// <summary>The queue's families in <c>/metrics</c>: what became of events whose ticket was not known yet, and the desk's failures.</summary>
public sealed class QueueMetrics(QueueParkingCounts parking, QueueDesk desk) : IMetricsSection
{
    public void Render(PrometheusText text)
    {
        text.Family("edge_queue_parked_events_total", "counter", "Queue events whose ticket was not known yet: parked, applied once it came, or dropped (the centre's limit reached).")
            .Sample("edge_queue_parked_events_total", parking.Parked, ("outcome", "parked"))
            .Sample("edge_queue_parked_events_total", parking.Applied, ("outcome", "applied"))
            .Sample("edge_queue_parked_events_total", parking.Dropped, ("outcome", "dropped"))
            .Family("edge_queue_apply_failures_total", "counter", "Event batches not stored because the queue store could not apply them (the devices resend them).")
            .Sample("edge_queue_apply_failures_total", desk.QueueApplyFailures)
            .Family("edge_queue_calls_not_answered_total", "counter", "Call requests left unanswered because the queue store could not be used (the counter asks again).")
            .Sample("edge_queue_calls_not_answered_total", desk.CallsNotAnswered);
    }
}
