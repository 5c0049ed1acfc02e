using System.Diagnostics.Metrics;

namespace Edge.Fleet.Ingest;

/// <summary>
/// Ingest's meter (<c>Edge.Fleet.Ingest</c>): observable counters over <see cref="IngestCounts"/>, the tally the
/// ingest API serves too, so both read one count and the hot path pays one interlocked add. Made by the registered
/// <see cref="IngestCounts"/> itself: the spine needs nothing from fleet/Metrics, whose exporter listens to every
/// <c>Edge.Fleet.*</c> meter.
/// </summary>
public static class IngestMetrics
{
    public const string MeterName = "Edge.Fleet.Ingest";

    /// <summary>Creates ingest's meter on <paramref name="meters"/> (disposed with it), observing <paramref name="counters"/>.</summary>
    public static void Observe(IngestCounts counters, IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("edge_ingest_batches_total", () => counters.Totals().Batches,
            description: "Event batches stored (each redelivery counts).");
        meter.CreateObservableCounter("edge_ingest_events_total", () => counters.Totals().Events,
            description: "Events in stored batches, duplicates included.");
        meter.CreateObservableCounter("edge_ingest_events_accepted_total", () => counters.Totals().Accepted,
            description: "Events newly stored; rate() of this is the ingest rate.");
        meter.CreateObservableCounter("edge_ingest_duplicates_total", () => counters.Totals().Duplicates,
            description: "Events already stored, skipped (a lower bound).");
        meter.CreateObservableCounter(
            "edge_ingest_rejected_total",
            () => counters.Totals().Rejected.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new Measurement<long>(r.Value, new KeyValuePair<string, object?>("reason", r.Key))),
            description: "Event batches refused, by reason.");
        meter.CreateObservableCounter("edge_ingest_not_stored_total", () => counters.Totals().NotStored,
            description: "Valid batches the store failed to take (the devices resend them).");
        meter.CreateObservableCounter("edge_ingest_commits_total", () => counters.Totals().Commits,
            description: "Group commits of the store.");
        meter.CreateObservableCounter("edge_ingest_acks_sent_total", () => counters.Totals().AcksSent,
            description: "Acks published to devices.");
    }
}
