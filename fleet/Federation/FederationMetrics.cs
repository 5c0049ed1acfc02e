using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Federation;

/// <summary>
/// Federation's meter (<c>Edge.Fleet.Federation</c>), observed from <see cref="FederationCounts"/>: the one tally the
/// sender and receiver feed, which the receiver's tests read too.
/// </summary>
public sealed class FederationMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Federation";

    public FederationMetrics(IMeterFactory meters, FederationCounts counters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("edge_federation_forwarded_events_total", () => counters.Forwarded,
            description: "Events sent to the upper fleet (each resend counts).");
        meter.CreateObservableCounter("edge_federation_acked_events_total", () => counters.Acked,
            description: "Events the upper fleet acknowledged after its durable commit.");
        meter.CreateObservableGauge("edge_federation_backlog_events", () => counters.Backlog,
            description: "Events stored here the upper fleet has not acknowledged yet.");
        meter.CreateObservableGauge("edge_federation_upstream_connected", () => counters.Connected ? 1 : 0,
            description: "1 while this fleet holds a session with the upper fleet's broker.");
        meter.CreateObservableCounter("edge_federation_send_failures_total", () => ByReason(counters.SendFailures),
            description: "Forwarding attempts that failed, by reason (refused, ack-timeout, upstream-unreachable...).");
        meter.CreateObservableCounter("edge_federation_received_batches_total", () => counters.ReceivedBatches,
            description: "Forwarded batches a lower fleet sent that were stored (redeliveries included).");
        meter.CreateObservableCounter("edge_federation_received_events_total", () => counters.ReceivedEvents,
            description: "Events in stored forwarded batches, redeliveries included.");
        meter.CreateObservableCounter("edge_federation_acks_sent_total", () => counters.AcksSent,
            description: "Acks sent to lower fleets.");
        meter.CreateObservableCounter("edge_federation_acks_failed_total", () => counters.AcksFailed,
            description: "Acks to lower fleets not sent after the batch was stored (the lower fleet resends it).");
        meter.CreateObservableCounter("edge_federation_refused_total", () => ByReason(counters.Refused),
            description: "Forwarded batches refused, by reason (malformed, oversized, not-this-fleet...).");
    }

    private static IEnumerable<Measurement<long>> ByReason(IReadOnlyDictionary<string, long> counts) =>
        counts.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new Measurement<long>(r.Value, new KeyValuePair<string, object?>("reason", r.Key)));
}
