using System.Globalization;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The reports page (reports.html) in a real headless Chromium signed in as the administrator: a counter (device
/// authentication on, provisioned by claim code) rates; the page is asked for the centre and this week by its form,
/// its figures equal the report JSON and the ratings statistics of the same days, and its PDF and XLSX links answer 200
/// with their content types and files that are what they say.
/// </summary>
public sealed class ReportsPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private DashboardSite _site = null!;

    public async Task InitializeAsync() => _site = await DashboardSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task The_reports_page_shows_the_figures_of_the_report_and_statistics_APIs_and_its_PDF_and_XLSX_links_download()
    {
        var device = await _site.StartDeviceAsync("report-page-1", "2");
        await device.PressAsync(1, 4);
        await device.PressAsync(2, 2);
        await device.PressAsync(4, 1);
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings?device=report-page-1")).GetProperty("total").GetInt32() == 7,
            Wait, "7 ratings stored");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var centre = FleetRunner.DefaultCentre;

        // The page, then the centre, the period and a day of it picked in its form.
        var browser = await _site.OpenAsync("/");
        await browser.NavigateAsync($"http://127.0.0.1:{_site.Fleet.HttpPort}/dashboard/reports.html?centre=nowhere&period=month");
        await browser.WaitUntilAsync("return document.getElementById('error').textContent !== '' || document.querySelector('#figures dd') !== null", Wait, "the first answer");
        await browser.ExecuteAsync(
            "document.getElementById('centre').value = arguments[0]; document.getElementById('period').value = 'week';"
            + "document.getElementById('from').value = arguments[1]; document.getElementById('figures').innerHTML = ''; return true;", centre, today);
        await browser.ClickAsync((await browser.FindAsync("#pick button[type='submit']"))!);
        await browser.WaitUntilAsync("return document.querySelector(\"#figures dd[data-figure='rep.ratings']\") !== null", Wait, "the week's figures");

        var report = await _site.Fleet.GetJsonAsync($"/api/v1/reports/{centre}?period=week&from={today}");
        var fromDay = report.GetProperty("fromDay").GetString()!;
        var toDay = report.GetProperty("toDay").GetString()!;
        var stats = await _site.Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={centre}&from={fromDay}&to={toDay}");
        var queue = await _site.Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={centre}&from={fromDay}&to={toDay}");
        output.WriteLine($"report {fromDay}..{toDay}: {report.GetProperty("satisfaction").GetProperty("total")}; stats {stats}");
        var shown = await browser.ExecuteAsync(
            "return { heading: document.getElementById('heading').textContent,"
            + " figures: Object.fromEntries([...document.querySelectorAll('#figures dd')].map(d => [d.dataset.figure, d.textContent])),"
            + " links: Object.fromEntries([...document.querySelectorAll('#downloads a')].map(a => [a.textContent, a.href])),"
            + " charts: document.querySelectorAll('#charts img').length };");
        output.WriteLine($"page: {shown}");
        var figures = shown.GetProperty("figures");
        Assert.Equal($"{centre} · {fromDay} → {toDay}", shown.GetProperty("heading").GetString());
        Assert.Equal(7, stats.GetProperty("total").GetInt32());
        Assert.Equal(stats.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture), figures.GetProperty("rep.ratings").GetString());
        Assert.Equal(Percent(stats.GetProperty("index").GetDouble()), figures.GetProperty("rep.index").GetString());
        Assert.Equal(queue.GetProperty("all").GetProperty("issued").GetInt32().ToString(CultureInfo.InvariantCulture), figures.GetProperty("rep.issued").GetString());
        Assert.Equal(report.GetProperty("alerts").GetProperty("all").GetProperty("opened").GetInt32().ToString(CultureInfo.InvariantCulture), figures.GetProperty("rep.alerts").GetString());
        Assert.Equal(3, shown.GetProperty("charts").GetInt32());

        // The downloads, fetched by the signed-in browser.
        foreach (var (format, type, magic) in new[] { ("PDF", "application/pdf", "%PDF"), ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK") })
        {
            var href = shown.GetProperty("links").GetProperty(format).GetString()!;
            var download = await browser.ExecuteAsync(
                "const x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();"
                + "return { status: x.status, type: x.getResponseHeader('Content-Type') || '', start: x.responseText.slice(0, 4).split('').map(c => String.fromCharCode(c.charCodeAt(0) & 0xff)).join(''), length: x.responseText.length };", href);
            output.WriteLine($"{format} {href}: {download}");
            Assert.Equal(200, download.GetProperty("status").GetInt32());
            Assert.StartsWith(type, download.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.StartsWith(magic, download.GetProperty("start").GetString(), StringComparison.Ordinal);
            Assert.True(download.GetProperty("length").GetInt32() > 1000, $"{format} has content");
        }

        // English: the same figures under English labels, the lang attribute follows.
        await browser.ClickAsync((await browser.FindAsync("#lang"))!);
        await browser.WaitUntilAsync("return document.documentElement.lang === 'en' && [...document.querySelectorAll('#figures dt')].some(d => d.textContent === 'Ratings')", Wait, "English labels");
        Assert.Equal("7", await browser.TextAsync((await browser.FindAsync("#figures dd[data-figure='rep.ratings']"))!));
    }

    /// <summary>The page's percent: one decimal and " %".</summary>
    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
