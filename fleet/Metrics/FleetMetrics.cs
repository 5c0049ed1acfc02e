using Edge.Fleet.Clock;
using Edge.Fleet.Alerts;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Ingest;
using Edge.Fleet.Notifications;
using Edge.Fleet.Reports;
using Edge.Fleet.Store;

namespace Edge.Fleet.Metrics;

/// <summary>What <c>GET /metrics</c> says about this node: ingest, devices, store latency, heartbeats, alerts.</summary>
public sealed class FleetMetrics(
    IngestCounters ingest,
    DevicePresence presence,
    FleetHealthReader health,
    HeartbeatIntake heartbeats,
    RatingTimePlacer placer,
    StoreLatency store,
    OpenAlertCache alerts,
    AlertWebhook webhook,
    AlertMailSender alertMails,
    ReportMailSchedule reportMails,
    StoreOutages outages)
{
    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        var counters = ingest.Snapshot();
        // While a store is down the families read from it are left out; edge_store_up says why they are missing.
        var devices = await UnlessStoreDownAsync(() => health.ReadAsync(cancellationToken)) ?? [];
        var connected = await UnlessStoreDownAsync(() => presence.SnapshotAsync(cancellationToken));
        var text = new PrometheusText()
            .Family("edge_ingest_batches_total", "counter", "Event batches stored (each redelivery counts).")
            .Sample("edge_ingest_batches_total", counters.Batches)
            .Family("edge_ingest_events_total", "counter", "Events in stored batches, duplicates included.")
            .Sample("edge_ingest_events_total", counters.Events)
            .Family("edge_ingest_events_accepted_total", "counter", "Events newly stored; rate() of this is the ingest rate.")
            .Sample("edge_ingest_events_accepted_total", counters.Accepted)
            .Family("edge_ingest_duplicates_total", "counter", "Events already stored, skipped (a lower bound).")
            .Sample("edge_ingest_duplicates_total", counters.Duplicates)
            .Family("edge_ingest_rejected_total", "counter", "Event batches refused, by reason.");
        foreach (var (reason, count) in counters.Rejected.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Sample("edge_ingest_rejected_total", count, ("reason", reason));
        }

        text.Family("edge_ingest_not_stored_total", "counter", "Valid batches the store failed to take (the devices resend them).")
            .Sample("edge_ingest_not_stored_total", counters.NotStored)
            .Family("edge_ingest_commits_total", "counter", "Group commits of the store.")
            .Sample("edge_ingest_commits_total", counters.Commits)
            .Family("edge_ingest_acks_sent_total", "counter", "Acks published to devices.")
            .Sample("edge_ingest_acks_sent_total", counters.AcksSent)
            .Family("edge_devices_connected", "gauge", "Devices with an open broker session announced online (as the presence store has it).")
            .Sample("edge_devices_connected", connected?.Values.Count(p => p.Online) ?? 0)
            .Family("edge_devices", "gauge", "Devices known to the fleet by liveness (status, heartbeats and stored events).")
            .Sample("edge_devices", devices.Count(d => d.Liveness.Online), ("state", "online"))
            .Sample("edge_devices", devices.Count(d => !d.Liveness.Online), ("state", "offline"))
            .Family("edge_store_seconds", "histogram", "Event store operation latency: append (durable group commit) and query.")
            .Histogram("edge_store_seconds", store.Append, ("operation", "append"))
            .Histogram("edge_store_seconds", store.Query, ("operation", "query"))
            .Family("edge_store_up", "gauge", "1 while the store's file is open, 0 while it is down (a full disk) and being reopened.");
        var stores = outages.Snapshot();
        foreach (var state in stores)
        {
            text.Sample("edge_store_up", state.Reason is null ? 1 : 0, ("store", state.Name));
        }

        text.Family("edge_store_outages_total", "counter", "Times the store's engine failed and the file was given up.");
        foreach (var state in stores)
        {
            text.Sample("edge_store_outages_total", state.Outages, ("store", state.Name));
        }

        text.Family("edge_store_refused_total", "counter", "Calls answered 'store unavailable' while the store was down.");
        foreach (var state in stores)
        {
            text.Sample("edge_store_refused_total", state.Refused, ("store", state.Name));
        }

        text.Family("edge_heartbeats_received_total", "counter", "Heartbeats received.")
            .Sample("edge_heartbeats_received_total", heartbeats.Received)
            .Family("edge_heartbeats_unreadable_total", "counter", "Heartbeats ignored because they could not be read.")
            .Sample("edge_heartbeats_unreadable_total", heartbeats.Unreadable)
            .Family("edge_ratings_placed_in_time_total", "counter", "Ratings stamped by an unsynchronised device clock, moved to their true time.")
            .Sample("edge_ratings_placed_in_time_total", placer.Placed)
            .Family("edge_alerts_open", "gauge", "Open alerts by kind.");
        var open = (await UnlessStoreDownAsync(() => alerts.ReadAsync(cancellationToken)) ?? []).GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());
        foreach (var kind in typeof(AlertKinds).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal))
        {
            text.Sample("edge_alerts_open", open.GetValueOrDefault(kind), ("kind", kind));
        }

        text.Family("edge_alert_webhook_total", "counter", "Alert notices POSTed to the webhook, by outcome.")
            .Sample("edge_alert_webhook_total", webhook.Sent, ("outcome", "sent"))
            .Sample("edge_alert_webhook_total", webhook.Failed, ("outcome", "failed"))
            .Family("edge_alert_mail_total", "counter", "Alert e-mail notifications sent through SMTP, by outcome (a failed one is retried, then a dead letter).")
            .Sample("edge_alert_mail_total", alertMails.Sent, ("outcome", "sent"))
            .Sample("edge_alert_mail_total", alertMails.Failed, ("outcome", "failed"))
            .Family("edge_report_mail_total", "counter", "Report e-mails (one per centre, period and manager) sent through SMTP, by outcome (a failed one is retried, then a dead letter).")
            .Sample("edge_report_mail_total", reportMails.Sent, ("outcome", "sent"))
            .Sample("edge_report_mail_total", reportMails.Failed, ("outcome", "failed"));
        return text.ToString();
    }

    private static async Task<T?> UnlessStoreDownAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }
}
