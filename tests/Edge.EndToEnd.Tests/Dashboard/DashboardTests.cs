using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The centre managers' dashboard in a real headless Chromium against the running fleet and simulated devices:
/// what a manager sees follows what happens to the devices, without reloading the page.
/// </summary>
public sealed class DashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private DashboardSite _site = null!;

    public async Task InitializeAsync() => _site = await DashboardSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task Overview_shows_a_device_going_offline_when_its_process_is_killed()
    {
        var doomed = await _site.StartDeviceAsync("dash-doomed", "1");
        await _site.StartDeviceAsync("dash-survivor", "2");
        var browser = await _site.OpenAsync("/");
        await browser.WaitUntilAsync("return " + Row("dash-doomed", "online === 'true'") + " && " + Row("dash-survivor", "online === 'true'"), Wait, "both devices online");

        doomed.Kill();

        await browser.WaitUntilAsync("return " + Row("dash-doomed", "online === 'false'"), Wait, "the killed device to show offline");
        var status = await browser.TextAsync((await browser.FindAsync("tr[data-device='dash-doomed'] td.status"))!);
        Assert.Equal("Mất kết nối", status);
        Assert.True((await browser.ExecuteAsync("return " + Row("dash-survivor", "online === 'true'"))).GetBoolean(), "the other device stays online");
        // Both devices were enrolled at the centre: its heading counts one of its two devices online.
        Assert.Equal($"{FleetRunner.DefaultCentre} · 1/2", await browser.TextAsync((await browser.FindAsync("section.centre h2"))!));

        // Offline because the broker saw the connection end (the device's will on its own status topic, accepted by the
        // ACL), not only because its heartbeats stopped.
        var health = (await _site.Fleet.GetJsonAsync("/api/v1/health")).EnumerateArray().Single(d => d.GetProperty("id").GetString() == "dash-doomed");
        Assert.Equal("disconnected", health.GetProperty("reason").GetString());
        Assert.Equal(0, (await _site.Fleet.GetJsonAsync("/api/v1/security/counters")).GetProperty("publishRefused").GetInt64());
    }

    [Fact]
    public async Task Out_of_paper_alert_appears_when_the_printer_runs_out_and_clears_when_paper_is_back()
    {
        var kiosk = await _site.StartDeviceAsync("dash-kiosk", "3");
        var browser = await _site.OpenAsync("/alerts");
        const string open = "document.querySelector(\"#open-alerts tr[data-alert-kind='printer-paper-out'][data-device='dash-kiosk']\")";

        await DashboardSite.SetPaperAsync(kiosk, "out");
        await browser.WaitUntilAsync($"return {open} !== null", Wait, "the out-of-paper alert to be listed as open");
        Assert.Contains("Máy in hết giấy", await browser.TextAsync((await browser.FindAsync("#open-alerts tr[data-alert-kind='printer-paper-out']"))!));

        await DashboardSite.SetPaperAsync(kiosk, "ok");
        await browser.WaitUntilAsync(
            $"return {open} === null && document.querySelector(\"#alert-history tr[data-alert-kind='printer-paper-out'][data-open='false']\") !== null",
            Wait,
            "the alert to resolve and stay in the history");
        var alerts = await _site.Fleet.GetJsonAsync("/api/v1/alerts");
        Assert.DoesNotContain(alerts.GetProperty("open").EnumerateArray(), a => a.GetProperty("kind").GetString() == "printer-paper-out");
        Assert.Contains(alerts.GetProperty("history").EnumerateArray(),
            a => a.GetProperty("kind").GetString() == "printer-paper-out" && a.GetProperty("resolvedAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Satisfaction_page_shows_the_same_numbers_as_the_ratings_api()
    {
        var first = await _site.StartDeviceAsync("dash-rate-1", "11");
        var second = await _site.StartDeviceAsync("dash-rate-2", "12");
        await Task.WhenAll(first.PressAsync(1, 5), first.PressAsync(2, 3), first.PressAsync(4, 2), second.PressAsync(3, 4), second.PressAsync(1, 1));
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64() == 15,
            Wait,
            "all 15 ratings to be stored");
        var browser = await _site.OpenAsync("/satisfaction");

        foreach (var (key, query) in new[] { ("11", "?counter=11"), ("12", "?counter=12"), ("total", "") })
        {
            var api = await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings" + query);
            var total = api.GetProperty("total").GetInt64();
            await browser.WaitUntilAsync(
                $"return document.querySelector(\"#satisfaction-table tr[data-key='{key}'] td[data-col='total']\")?.dataset.value === '{total}'",
                Wait,
                $"row {key} to show {total} ratings");
            var row = await browser.ExecuteAsync(
                "const cells = document.querySelectorAll(`#satisfaction-table tr[data-key='${arguments[0]}'] td[data-col]`);"
                + "return Object.fromEntries([...cells].map(c => [c.dataset.col, c.dataset.value]));", key);
            output.WriteLine($"{key}: page {row}, api {api}");
            foreach (var level in api.GetProperty("byLevel").EnumerateObject())
            {
                Assert.Equal(level.Value.GetInt64().ToString(), row.GetProperty("level-" + level.Name).GetString());
            }

            Assert.Equal(api.GetProperty("index").GetDouble(), double.Parse(row.GetProperty("index").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 4);
        }

        var shownIndex = await browser.ExecuteAsync("return document.querySelector('#sat-index .n').dataset.value");
        Assert.Equal((await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("index").GetDouble(),
            double.Parse(shownIndex.GetString()!, System.Globalization.CultureInfo.InvariantCulture), 4);
    }

    private static string Row(string device, string condition) =>
        $"document.querySelector(\"tr[data-device='{device}']\")?.dataset.{condition}";
}
