using Edge.Fleet.Metrics;

namespace Edge.Fleet.Federation;

/// <summary>Federation's families in <c>/metrics</c>, from <see cref="FederationCounters"/>.</summary>
public sealed class FederationMetrics(FederationCounters counters) : IMetricsSection
{
    public void Render(PrometheusText text)
    {
        text.Family("edge_federation_forwarded_events_total", "counter", "Events sent to the upper fleet (each resend counts).")
            .Sample("edge_federation_forwarded_events_total", counters.Forwarded)
            .Family("edge_federation_acked_events_total", "counter", "Events the upper fleet acknowledged after its durable commit.")
            .Sample("edge_federation_acked_events_total", counters.Acked)
            .Family("edge_federation_backlog_events", "gauge", "Events stored here the upper fleet has not acknowledged yet.")
            .Sample("edge_federation_backlog_events", counters.Backlog)
            .Family("edge_federation_upstream_connected", "gauge", "1 while this fleet holds a session with the upper fleet's broker.")
            .Sample("edge_federation_upstream_connected", counters.Connected ? 1 : 0)
            .Family("edge_federation_send_failures_total", "counter", "Forwarding attempts that failed, by reason (refused, ack-timeout, upstream-unreachable...).");
        foreach (var (reason, count) in counters.SendFailures.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Sample("edge_federation_send_failures_total", count, ("reason", reason));
        }

        text.Family("edge_federation_received_batches_total", "counter", "Forwarded batches a lower fleet sent that were stored (redeliveries included).")
            .Sample("edge_federation_received_batches_total", counters.ReceivedBatches)
            .Family("edge_federation_received_events_total", "counter", "Events in stored forwarded batches, redeliveries included.")
            .Sample("edge_federation_received_events_total", counters.ReceivedEvents)
            .Family("edge_federation_acks_sent_total", "counter", "Acks sent to lower fleets.")
            .Sample("edge_federation_acks_sent_total", counters.AcksSent)
            .Family("edge_federation_acks_failed_total", "counter", "Acks to lower fleets not sent after the batch was stored (the lower fleet resends it).")
            .Sample("edge_federation_acks_failed_total", counters.AcksFailed)
            .Family("edge_federation_refused_total", "counter", "Forwarded batches refused, by reason (malformed, oversized, not-this-fleet...).");
        foreach (var (reason, count) in counters.Refused.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Sample("edge_federation_refused_total", count, ("reason", reason));
        }
    }
}
