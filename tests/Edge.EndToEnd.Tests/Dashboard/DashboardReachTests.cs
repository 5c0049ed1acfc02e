using System.Globalization;
using System.Text.Json;
using Edge.Testing;
using Edge.Testing.Browser;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// Issue 16 item 7 in a real headless Chromium signed in as the administrator (device authentication on, the device
/// provisioned by claim code): the device page shows its open alert worded in Vietnamese, then in English after the
/// language button (the <c>lang</c> attribute follows), and its counter's ratings today and over 7 days equal to the
/// statistics API; what its 2-second refresh fetches is measured; every page fits a 390×844 phone without sideways
/// scrolling; Tab reaches the main actions with a visible focus ring and a confirmation takes the focus. With
/// <c>EDGE_SCREENSHOTS</c> set, phone and desktop screenshots are written there (docs/).
/// </summary>
public sealed class DashboardReachTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly int[] Presses = [3, 2, 1, 1];
    private DashboardSite _site = null!;

    public async Task InitializeAsync() => _site = await DashboardSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task The_device_page_words_its_open_alert_in_either_language_shows_its_counters_ratings_and_polls_only_its_summary()
    {
        var device = await _site.StartDeviceAsync("reach-1", "3");
        await PressAllAsync(device);
        await DashboardSite.SetPaperAsync(device, "out");
        var alert = await Eventually.ReturnsAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/alerts")).GetProperty("open").EnumerateArray()
                .FirstOrDefault(a => a.GetProperty("kind").GetString() == "printer-paper-out" && a.GetProperty("deviceId").GetString() == "reach-1"),
            a => a.ValueKind == JsonValueKind.Object, Wait, "the out-of-paper alert");
        output.WriteLine($"alert: {alert}");
        Assert.Equal("paper-out", alert.GetProperty("parameters").GetProperty("state").GetString());
        Assert.Equal("printer paper-out", alert.GetProperty("detail").GetString());

        var today = await RatingsAsync(0);
        var week = await RatingsAsync(6);
        Assert.Equal(Presses.Sum(), today.GetProperty("total").GetInt32());

        var browser = await _site.OpenAsync("/device/reach-1");
        const string detail = "document.querySelector(\"#device-alerts tr[data-alert-kind='printer-paper-out'] [data-detail]\")?.textContent";
        await browser.WaitUntilAsync($"return {detail} === 'Máy in: Hết giấy'", Wait, "the alert's detail in Vietnamese");
        Assert.Equal("vi", (await browser.ExecuteAsync("return document.documentElement.lang")).GetString());
        await browser.WaitUntilAsync($"return document.querySelector(\"#device-rating-table tr[data-period='today'] td[data-value]\")?.dataset.value === '{Presses.Sum()}'",
            Wait, "the counter's ratings of today");
        foreach (var (period, stats) in new[] { ("today", today), ("week", week) })
        {
            var shown = await browser.ExecuteAsync(
                $"const row = document.querySelector(\"#device-rating-table tr[data-period='{period}']\");"
                + "return { total: row.querySelector('td[data-value]').dataset.value, levels: Object.fromEntries([...row.querySelectorAll('td[data-level]')].map(c => [c.dataset.level, c.textContent])) };");
            output.WriteLine($"{period}: page {shown}, api {stats}");
            Assert.Equal(stats.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture), shown.GetProperty("total").GetString());
            foreach (var level in new[] { "1", "2", "3", "4" })
            {
                var expected = stats.GetProperty("byLevel").TryGetProperty(level, out var n) ? n.GetInt32() : 0;
                Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), shown.GetProperty("levels").GetProperty(level).GetString());
            }
        }

        // The language button: English words, the lang attribute, the same alert worded again.
        await browser.ClickAsync((await browser.FindAsync("#lang"))!);
        await browser.WaitUntilAsync($"return document.documentElement.lang === 'en' && {detail} === 'Printer: Out of paper'", Wait, "the alert's detail in English");
        Assert.Equal("The device's open alerts",
            (await browser.ExecuteAsync("return document.getElementById('device-alerts').closest('section').querySelector('h2').textContent")).GetString());
        await SaveAsync(browser, "dashboard-device-en.png");
        await browser.ClickAsync((await browser.FindAsync("#lang"))!);
        await browser.WaitUntilAsync("return document.documentElement.lang === 'vi'", Wait, "Vietnamese again");

        // What the page fetches in 12 s: the summary every 2 s (limit=1); the heartbeat history at most once per 15 s.
        await browser.ExecuteAsync("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(1000); window.__measureFrom = performance.now(); return true;");
        await Task.Delay(TimeSpan.FromSeconds(12));
        var fetched = await browser.ExecuteAsync(
            "const list = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/'));"
            + "return { seconds: (performance.now() - window.__measureFrom) / 1000, requests: list.length, bytes: list.reduce((s, e) => s + e.encodedBodySize, 0),"
            + " summaries: list.filter(e => e.name.includes('/health/reach-1?limit=1')).length, histories: list.filter(e => e.name.includes('limit=120')).length,"
            + " names: list.map(e => e.name.replace(location.origin, '') + ' ' + e.encodedBodySize) };");
        output.WriteLine($"fetched: {fetched}");
        var summaryBytes = (await browser.ExecuteAsync(Size("/api/v1/health/reach-1?limit=1"))).GetInt32();
        var history120 = (await browser.ExecuteAsync(Size("/api/v1/health/reach-1?limit=120"))).GetInt32();
        var history24h = (await browser.ExecuteAsync(Size("/api/v1/health/reach-1"))).GetInt32();
        var points = (await _site.Fleet.GetJsonAsync("/api/v1/health/reach-1")).GetProperty("history").GetArrayLength();
        output.WriteLine($"bytes: summary {summaryBytes}; 120 heartbeats {history120}; whole history {history24h} for {points} heartbeats "
            + $"({(history24h - summaryBytes) / Math.Max(1, points - 1)} per heartbeat)");
        Assert.True(fetched.GetProperty("summaries").GetInt32() >= 3, "the summary is polled");
        Assert.True(fetched.GetProperty("histories").GetInt32() <= 1, "the heartbeat history at most once in 12 s");
        Assert.True(summaryBytes < history120, "the polled summary is smaller than the history");
    }

    [Fact]
    public async Task Every_page_fits_a_phone_and_Tab_reaches_the_main_actions_with_a_visible_focus()
    {
        var device = await _site.StartDeviceAsync("reach-2", "4");
        await PressAllAsync(device);
        var browser = await _site.OpenAsync("/");
        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var origin = $"http://127.0.0.1:{_site.Fleet.HttpPort}/dashboard/";
        var pages = new (string Name, string Url, string Ready)[]
        {
            ("overview", _site.Url("/"), "document.querySelector(\"tr[data-device='reach-2']\") !== null"),
            ("alerts", _site.Url("/alerts"), "true"),
            ("satisfaction", _site.Url("/satisfaction"), "document.querySelector('#sat-table table') !== null"),
            ("device", _site.Url("/device/reach-2"), "document.querySelector('#device-rating-table') !== null"),
            ("enrol", _site.Url("/enrol"), "true"),
            ("releases", _site.Url("/releases"), "true"),
            ("users", _site.Url("/users"), "document.querySelector('#audit-table') !== null"),
            ("config", _site.Url("/config/role/counter"), "document.querySelector('[data-layer-state]') !== null"),
            ("queue", $"{origin}queue-stats.html?centre={FleetRunner.DefaultCentre}&from={day}&to={day}", "document.querySelector('#tables table') !== null"),
            ("reports", $"{origin}reports.html?centre={FleetRunner.DefaultCentre}&period=week&from={day}", "document.querySelector('#figures dd') !== null"),
        };

        await browser.SetWindowSizeAsync(390, 844);
        var width = (await browser.ExecuteAsync("return window.innerWidth")).GetInt32();
        output.WriteLine($"phone viewport: {width} px");
        Assert.InRange(width, 300, 420);
        var overflowing = new List<string>();
        foreach (var (name, url, ready) in pages)
        {
            await browser.NavigateAsync(url);
            var dashboard = url.Contains('#', StringComparison.Ordinal);
            await browser.WaitUntilAsync(dashboard ? $"return !!document.getElementById('view').dataset.loaded && ({ready})" : $"return {ready}", Wait, $"the {name} page");
            var fit = await browser.ExecuteAsync(
                "const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll, section.panel, details.panel'))"
                + ".slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);"
                + "return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide };");
            output.WriteLine($"{name}: {fit}");
            if (fit.GetProperty("scroll").GetInt32() > fit.GetProperty("inner").GetInt32())
            {
                overflowing.Add($"{name}: {fit}");
            }

            if (name is "overview" or "device" or "queue" or "reports" or "config")
            {
                await SaveAsync(browser, $"dashboard-{name}-phone.png");
            }
        }

        Assert.Empty(overflowing);

        // The navigation is usable on the phone: every link is on screen (wrapped, not cut off).
        await browser.NavigateAsync(_site.Url("/"));
        await browser.WaitUntilAsync("return !!document.getElementById('view').dataset.loaded", Wait, "the overview");
        var offScreen = await browser.ExecuteAsync(
            "return [...document.querySelectorAll('nav a')].filter(a => a.offsetParent !== null && a.getBoundingClientRect().right > window.innerWidth).map(a => a.textContent)");
        Assert.Equal(0, offScreen.GetArrayLength());

        // Keyboard, at desktop size: Tab from the top reaches the navigation, the language button and the device link.
        await browser.SetWindowSizeAsync(1360, 900);
        var reached = await TabThroughAsync(browser, 30);
        Assert.Contains(reached, f => f.Contains("#/alerts", StringComparison.Ordinal));
        Assert.Contains(reached, f => f.Contains("#/config", StringComparison.Ordinal));
        Assert.Contains(reached, f => f.Contains("button#lang", StringComparison.Ordinal));
        Assert.Contains(reached, f => f.Contains("#/device/reach-2", StringComparison.Ordinal));

        // On the device page: the technician's actions by Tab; Enter on "retire" asks first, with the focus in the
        // dialog on "no"; Escape closes it and nothing is retired.
        await browser.NavigateAsync(_site.Url("/device/reach-2"));
        await browser.WaitUntilAsync("return !!document.getElementById('view').dataset.loaded", Wait, "the device page");
        reached = await TabThroughAsync(browser, 40, "device-retire");
        Assert.Contains(reached, f => f.Contains("data-command=identify", StringComparison.Ordinal));
        Assert.Contains(reached, f => f.Contains("button#device-retire", StringComparison.Ordinal));
        await browser.PressKeyAsync(WebDriverSession.Enter);
        await browser.WaitUntilAsync("return document.getElementById('confirm').open && document.activeElement?.id === 'confirm-no'", Wait, "the confirmation with the focus on 'no'");
        await browser.PressKeyAsync(WebDriverSession.Escape);
        await browser.WaitUntilAsync("return !document.getElementById('confirm').open", Wait, "the confirmation to close");
        var health = (await _site.Fleet.GetJsonAsync("/api/v1/health")).EnumerateArray().Single(d => d.GetProperty("id").GetString() == "reach-2");
        Assert.True(health.GetProperty("online").GetBoolean());

        // Desktop screenshots of the pages added for issue 16.
        foreach (var (name, url, ready) in pages.Where(p => p.Name is "config" or "reports" or "queue"))
        {
            await browser.NavigateAsync(url);
            await browser.WaitUntilAsync(url.Contains('#', StringComparison.Ordinal) ? $"return !!document.getElementById('view').dataset.loaded && ({ready})" : $"return {ready}", Wait, $"the {name} page");
            await SaveAsync(browser, $"dashboard-{name}-desktop.png");
        }

        // Every input of every form on the device page has a label.
        await browser.NavigateAsync(_site.Url("/device/reach-2"));
        await browser.WaitUntilAsync("return !!document.getElementById('view').dataset.loaded", Wait, "the device page");
        var unlabelled = await browser.ExecuteAsync(
            "return [...document.querySelectorAll('input, select, textarea')].filter(i => i.type !== 'hidden' && !i.labels?.length && !i.getAttribute('aria-label')).map(i => i.id)");
        Assert.Equal(0, unlabelled.GetArrayLength());
    }

    /// <summary>
    /// Presses Tab up to <paramref name="presses"/> times from the top of the page (or until the element of id
    /// <paramref name="until"/> has the focus): each focused element described, and each must show a focus ring.
    /// </summary>
    private async Task<List<string>> TabThroughAsync(WebDriverSession browser, int presses, string? until = null)
    {
        await browser.ExecuteAsync("document.activeElement?.blur(); window.scrollTo(0, 0); return true;");
        var reached = new List<string>();
        for (var i = 0; i < presses; i++)
        {
            await browser.PressKeyAsync(WebDriverSession.Tab);
            var focused = await browser.ExecuteAsync(
                "const e = document.activeElement; const s = getComputedStyle(e);"
                + "return { what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('href') || '') + (e.dataset.command ? ' data-command=' + e.dataset.command : ''),"
                + " ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, id: e.id };");
            var what = focused.GetProperty("what").GetString()!;
            reached.Add(what);
            Assert.True(what.StartsWith("body", StringComparison.Ordinal) || focused.GetProperty("ring").GetBoolean(), $"{what} shows no focus ring");
            if (until is not null && focused.GetProperty("id").GetString() == until)
            {
                break;
            }
        }

        output.WriteLine("Tab: " + string.Join(" → ", reached));
        return reached;
    }

    private static string Size(string path) =>
        $"const x = new XMLHttpRequest(); x.open('GET', '{path}', false); x.send(); return x.responseText.length;";

    private async Task PressAllAsync(DeviceRunner device)
    {
        for (var b = 0; b < Presses.Length; b++)
        {
            await device.PressAsync(b + 1, Presses[b]);
        }

        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync($"/api/v1/stats/ratings?device={device.Id}")).GetProperty("total").GetInt32() == Presses.Sum(),
            Wait, "the presses stored");
    }

    private async Task<JsonElement> RatingsAsync(int daysBack)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date;
        var from = today.AddDays(-daysBack).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return await _site.Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={FleetRunner.DefaultCentre}&counter=3&from={from}&to={to}");
    }

    private async Task SaveAsync(WebDriverSession browser, string name)
    {
        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 5_000, $"{name} has content");
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name), png);
            output.WriteLine($"wrote {name} ({png.Length} bytes)");
        }
    }
}
