using System.Net;
using System.Text.RegularExpressions;
using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Metrics;

/// <summary>
/// <c>/metrics</c> of a real fleet process, as shipped (device authentication on, a device provisioned by claim code):
/// served by the meters' exporter, it keeps every family of the hand-written exposition it replaced, with the same type
/// and label names, and adds none (no <c>target_info</c>, no <c>otel_scope_*</c> labels).
/// </summary>
public sealed partial class MetricsEndpointTests : IDisposable
{
    /// <summary>The families of <c>/metrics</c> before meters (fleet/Metrics/FleetMetrics.cs and its sections), by type.</summary>
    private static readonly Dictionary<string, string> FamiliesBefore = new(StringComparer.Ordinal)
    {
        ["edge_ingest_batches_total"] = "counter",
        ["edge_ingest_events_total"] = "counter",
        ["edge_ingest_events_accepted_total"] = "counter",
        ["edge_ingest_duplicates_total"] = "counter",
        ["edge_ingest_rejected_total"] = "counter",
        ["edge_ingest_not_stored_total"] = "counter",
        ["edge_ingest_commits_total"] = "counter",
        ["edge_ingest_acks_sent_total"] = "counter",
        ["edge_devices_connected"] = "gauge",
        ["edge_devices"] = "gauge",
        ["edge_store_seconds"] = "histogram",
        ["edge_store_up"] = "gauge",
        ["edge_store_outages_total"] = "counter",
        ["edge_store_refused_total"] = "counter",
        ["edge_heartbeats_received_total"] = "counter",
        ["edge_heartbeats_unreadable_total"] = "counter",
        ["edge_ratings_placed_in_time_total"] = "counter",
        ["edge_alerts_open"] = "gauge",
        ["edge_alert_webhook_total"] = "counter",
        ["edge_queue_parked_events_total"] = "counter",
        ["edge_queue_apply_failures_total"] = "counter",
        ["edge_queue_calls_not_answered_total"] = "counter",
        ["edge_report_mail_total"] = "counter",
        ["edge_alert_mail_total"] = "counter",
        ["edge_federation_forwarded_events_total"] = "counter",
        ["edge_federation_acked_events_total"] = "counter",
        ["edge_federation_backlog_events"] = "gauge",
        ["edge_federation_upstream_connected"] = "gauge",
        ["edge_federation_send_failures_total"] = "counter",
        ["edge_federation_received_batches_total"] = "counter",
        ["edge_federation_received_events_total"] = "counter",
        ["edge_federation_acks_sent_total"] = "counter",
        ["edge_federation_acks_failed_total"] = "counter", // added with federation on the external broker
        ["edge_federation_refused_total"] = "counter",
    };

    /// <summary>Families whose label values come with their first count (a reason): absent until then (fleet/Metrics/README.md).</summary>
    private static readonly string[] AppearWithFirstCount = ["edge_federation_send_failures_total", "edge_federation_refused_total"];

    /// <summary>Label names per family, as before (a histogram's buckets add <c>le</c>); families not listed have none.</summary>
    private static readonly Dictionary<string, string[]> LabelsBefore = new(StringComparer.Ordinal)
    {
        ["edge_ingest_rejected_total"] = ["reason"],
        ["edge_devices"] = ["state"],
        ["edge_store_seconds"] = ["operation"],
        ["edge_store_up"] = ["store"],
        ["edge_store_outages_total"] = ["store"],
        ["edge_store_refused_total"] = ["store"],
        ["edge_alerts_open"] = ["kind"],
        ["edge_alert_webhook_total"] = ["outcome"],
        ["edge_queue_parked_events_total"] = ["outcome"],
        ["edge_report_mail_total"] = ["outcome"],
        ["edge_alert_mail_total"] = ["outcome"],
        ["edge_federation_send_failures_total"] = ["reason"],
        ["edge_federation_refused_total"] = ["reason"],
    };

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new("metrics-endpoint");
    private FleetRunner? _fleet;

    public void Dispose()
    {
        _fleet?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Metrics_of_a_running_fleet_keep_every_family_type_and_label_of_the_hand_written_exposition()
    {
        _fleet = await FleetStart.StartFleetAsync(_folder["fleet"]);
        await using (var device = await _fleet.ProvisionAndConnectAsync("dev-metrics"))
        {
            await device.PublishStatusAsync(online: true, session: "s1");
            await device.PublishEventsAsync(Events.Ratings(1, 3));
            await device.WaitForAckAsync(3);

            // The store-read gauges report their last reading: a scrape or two after the device is online, it shows.
            await Eventually.TrueAsync(
                async () => Sample(await MetricsAsync(), "edge_devices_connected") == 1,
                Settle,
                "/metrics to count the connected device");
        }

        var text = await MetricsAsync();
        var families = TypeLines().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);
        Assert.Equal(FamiliesBefore.Keys.Except(AppearWithFirstCount).Order(StringComparer.Ordinal), families.Keys.Order(StringComparer.Ordinal));
        Assert.All(families, f => Assert.Equal(FamiliesBefore[f.Key], f.Value));

        Assert.All(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')), l => Assert.Matches(SampleLines(), l));
        foreach (var (name, labels) in SampleLabels(text, families))
        {
            var expected = LabelsBefore.GetValueOrDefault(name, []).AsEnumerable();
            Assert.Equal(expected.Order(StringComparer.Ordinal), labels.Order(StringComparer.Ordinal));
        }

        Assert.DoesNotContain("target_info", text, StringComparison.Ordinal);
        Assert.DoesNotContain("otel_scope", text, StringComparison.Ordinal);

        // Figures of what the device did, and the latency buckets of before (0.5 ms to 10 s).
        Assert.Equal(3, Sample(text, "edge_ingest_events_accepted_total"));
        Assert.True(Sample(text, "edge_ingest_acks_sent_total") >= 1, "the ack was counted");
        Assert.Equal(0, Sample(text, "edge_ingest_rejected_total{reason=\"malformed\"}"));
        Assert.Equal(1, Sample(text, "edge_store_up{store=\"event\"}"));
        Assert.Equal(
            ["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"],
            AppendBuckets().Matches(text).Select(m => m.Groups["le"].Value));
        Assert.True(Sample(text, "edge_store_seconds_count{operation=\"append\"}") >= 1, "the append was timed");

        // A login is needed, as for every endpoint outside the public ones.
        using var anonymous = new HttpClient { BaseAddress = _fleet.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        _fleet.AssertNoErrorsLogged();
    }

    private Task<string> MetricsAsync() => _fleet!.Http.GetStringAsync("/metrics");

    /// <summary>The value of a sample (name with its labels, or a bare name for one without labels, written <c>name{}</c>); -1 when absent.</summary>
    private static double Sample(string text, string sample)
    {
        var prefix = sample.Contains('{', StringComparison.Ordinal) ? sample + " " : sample + "{} ";
        var found = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return found is null ? -1 : double.Parse(found[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The label names of every sample line, by family (a histogram's <c>le</c> left out).</summary>
    private static IEnumerable<(string Family, IEnumerable<string> Labels)> SampleLabels(string text, Dictionary<string, string> families) =>
        SampleLines().Matches(text).Select(m =>
        {
            var name = m.Groups["name"].Value;
            var family = families.ContainsKey(name) ? name : Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.True(families.ContainsKey(family), $"a sample of no declared family: {m.Value}");
            var labels = LabelNames().Matches(m.Groups["labels"].Value).Select(l => l.Groups[1].Value).Where(l => l != "le");
            return (family, labels);
        });

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLines();

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} \S+$", RegexOptions.Multiline)]
    private static partial Regex SampleLines();

    [GeneratedRegex(@"([a-z_]+)=""")]
    private static partial Regex LabelNames();

    [GeneratedRegex(@"^edge_store_seconds_bucket\{operation=""append"",le=""(?<le>[^""]+)""\} \d+$", RegexOptions.Multiline)]
    private static partial Regex AppendBuckets();
}
