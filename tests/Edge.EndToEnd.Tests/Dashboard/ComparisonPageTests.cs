using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The comparison page (comparison.html) in a real headless Chromium signed in as the administrator: two centres of
/// the directory in two provinces, each with a counter device (real processes, provisioned by claim code) whose
/// buttons are pressed; the page's ranking, the target line and the list of rows below target show the figures of
/// <c>GET /api/v1/comparison</c>, for the nation and for one province. With <c>EDGE_SCREENSHOTS</c> set, the page is
/// saved there as dashboard-comparison.png.
/// </summary>
public sealed class ComparisonPageTests(ITestOutputHelper output) : IAsyncLifetime
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
    public async Task The_page_ranks_provinces_and_centres_with_the_api_figures_the_target_and_the_breaches()
    {
        foreach (var (centre, name, province) in new[] { ("centre-1", "Trung tâm phường Ba Đình", "01"), ("centre-2", "Trung tâm phường Kinh Bắc", "24") })
        {
            using var saved = await _site.Fleet.Http.PutAsJsonAsync($"/api/v1/centres/{centre}", new { name, province });
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        var hanoi = await _site.StartDeviceAsync("cmp-hn", "11", "centre-1");
        var bacNinh = await _site.StartDeviceAsync("cmp-bn", "21", "centre-2");
        await Task.WhenAll(hanoi.PressAsync(1, 3), hanoi.PressAsync(4, 2), bacNinh.PressAsync(1, 4));
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64() == 9,
            Wait,
            "9 ratings stored");

        var browser = await _site.OpenAsync("/");
        await browser.SetWindowSizeAsync(1400, 900);
        foreach (var query in new[] { "", "province=01" })
        {
            var api = await _site.Fleet.GetJsonAsync("/api/v1/comparison?" + query);
            output.WriteLine($"api {query}: {api}");
            await browser.NavigateAsync($"http://127.0.0.1:{_site.Fleet.HttpPort}/dashboard/comparison.html?{query}");
            await browser.WaitUntilAsync("return document.body.dataset.loaded === 'true'", Wait, "the comparison");
            var shown = await browser.ExecuteAsync(
                "return { error: document.getElementById('error').textContent,"
                + " rows: [...document.querySelectorAll('#ranking tbody tr')].map(r => ({ key: r.dataset.key, rank: r.cells[0].textContent,"
                + "   ratings: r.querySelector('[data-c=ratings]').textContent, index: r.querySelector('[data-c=index]').textContent })),"
                + " bars: document.querySelectorAll('#chart rect').length, target: !!document.getElementById('target-line'),"
                + " below: [...document.querySelectorAll('#breaches li[data-key]')].map(l => l.dataset.key) };");
            output.WriteLine($"page {query}: {shown}");

            Assert.Equal("", shown.GetProperty("error").GetString());
            var rows = api.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(query == "" ? 2 : 1, rows.Count);
            Assert.Equal(
                rows.Select(r => (r.GetProperty("key").GetString(), (string?)r.GetProperty("rank").GetInt32().ToString(), (string?)r.GetProperty("ratings").GetInt64().ToString(),
                    (string?)((r.GetProperty("index").GetDouble() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %"))),
                shown.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("rank").GetString(),
                    r.GetProperty("ratings").GetString(), r.GetProperty("index").GetString())));
            Assert.Equal(rows.Count, shown.GetProperty("bars").GetInt32());
            Assert.True(shown.GetProperty("target").GetBoolean());
            Assert.Equal(
                api.GetProperty("belowTarget").EnumerateArray().Select(k => k.GetString()),
                shown.GetProperty("below").EnumerateArray().Select(k => k.GetString()));
        }

        // Centre 1 has 2 of 5 ratings at the worst level, below the 90 % target: its province is listed as a breach.
        var nation = await _site.Fleet.GetJsonAsync("/api/v1/comparison");
        Assert.Equal(["01"], nation.GetProperty("belowTarget").EnumerateArray().Select(k => k.GetString()));

        await browser.NavigateAsync($"http://127.0.0.1:{_site.Fleet.HttpPort}/dashboard/comparison.html");
        await browser.WaitUntilAsync("return document.body.dataset.loaded === 'true'", Wait, "the national comparison");
        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 5_000, "a screenshot with content");
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "dashboard-comparison.png"), png);
        }
    }
}
