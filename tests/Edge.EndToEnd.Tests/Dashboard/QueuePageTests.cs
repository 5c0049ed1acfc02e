using System.Text.Json;
using Edge.EndToEnd.Tests.Queue;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The queue as the dashboard shows it, in a real headless Chromium signed in as the administrator: a kiosk and a
/// counter (enrolled in their roles, provisioned by claim code, with the settings of <see cref="QueueCentre"/>) issue
/// and call tickets; the overview's queue of the day, the queue statistics page (queue-stats.html) and its CSV link
/// show the figures of <c>GET /api/v1/stats/queue</c>. With <c>EDGE_SCREENSHOTS</c> set, the page is saved there as
/// dashboard-queue.png.
/// </summary>
public sealed class QueuePageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string[] Figures = ["issued", "called", "served", "waiting"];
    private readonly TempFolder _folder = new("queue-page");
    private readonly List<DeviceRunner> _devices = [];
    private DashboardSite _site = null!;

    public async Task InitializeAsync() => _site = await DashboardSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        await _site.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Queue_page_and_overview_show_the_api_figures_of_the_day_and_the_csv_link_downloads_them()
    {
        var kiosk = await StartAsync("queue-kiosk", "kiosk", QueueCentre.KioskArguments(1, 999));
        var counter = await StartAsync("queue-counter", "counter", ["--Device:Counter=5", .. QueueCentre.CounterArguments()]);
        await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[0].Pin, 3);
        await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[1].Pin, 2);
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={QueueCentre.Centre}")).GetProperty("tickets").GetArrayLength() == 5,
            Wait,
            "5 tickets at the fleet");

        // Two calls: the first ticket called is served when the counter calls the next one.
        Assert.NotEqual("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        Assert.NotEqual("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        var today = await Eventually.ReturnsAsync(
            () => _site.Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}"),
            s => s.GetProperty("all").GetProperty("called").GetInt32() == 2 && s.GetProperty("all").GetProperty("served").GetInt32() == 1,
            Wait,
            "2 calls and 1 ticket served in the statistics");
        var day = today.GetProperty("day").GetString()!;
        var api = (await _site.Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}&from={day}&to={day}")).GetProperty("all");
        output.WriteLine($"api {day}: {api}");
        Assert.Equal((5, 2, 1, 3), (Figure(api, "issued"), Figure(api, "called"), Figure(api, "served"), Figure(api, "waiting")));

        // The overview: the centre's queue of the day.
        var browser = await _site.OpenAsync("/");
        var line = $"p.queue-today[data-queue-centre='{QueueCentre.Centre}']";
        await browser.WaitUntilAsync($"return document.querySelector(\"{line} b[data-q='issued']\")?.textContent === '5'", Wait, "the overview's queue of the day");
        foreach (var figure in Figures)
        {
            Assert.Equal(Figure(api, figure).ToString(), await browser.TextAsync((await browser.FindAsync($"{line} b[data-q='{figure}']"))!));
        }

        // The queue statistics page over today's range: the centre's row.
        await browser.SetWindowSizeAsync(1700, 900);
        await browser.NavigateAsync($"http://127.0.0.1:{_site.Fleet.HttpPort}/dashboard/queue-stats.html?centre={QueueCentre.Centre}&from={day}&to={day}");
        await browser.WaitUntilAsync("return document.querySelector('#tables table tbody tr') !== null", Wait, "the queue statistics tables");
        var shown = await browser.ExecuteAsync(
            "const table = document.querySelector('#tables table');"
            + "const cell = name => table.querySelector(`tbody tr td[data-col='${name}']`).textContent;"
            + "return { title: table.closest('section').querySelector('h2').textContent, error: document.getElementById('error').textContent,"
            + " issued: cell('issued'), served: cell('served'), waiting: cell('waiting') };");
        output.WriteLine($"page: {shown}");
        Assert.Equal("", shown.GetProperty("error").GetString());
        Assert.Contains($"{day} → {day}", shown.GetProperty("title").GetString(), StringComparison.Ordinal);
        foreach (var figure in new[] { "issued", "served", "waiting" })
        {
            Assert.Equal(Figure(api, figure).ToString(), shown.GetProperty(figure).GetString());
        }

        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 5_000, "a screenshot with content");
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "dashboard-queue.png"), png);
        }

        // The CSV link, fetched by the signed-in browser: the centre's row has the same figures over the same range.
        var download = await browser.ExecuteAsync(
            "const x = new XMLHttpRequest(); x.open('GET', document.getElementById('csv').href, false); x.send();"
            + "return { status: x.status, type: x.getResponseHeader('Content-Type') || '', body: x.responseText };");
        Assert.Equal(200, download.GetProperty("status").GetInt32());
        Assert.StartsWith("text/csv", download.GetProperty("type").GetString(), StringComparison.Ordinal);
        var lines = download.GetProperty("body").GetString()!.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine(string.Join('\n', lines));
        var header = lines[0].Split(',');
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(r => r[Array.IndexOf(header, "scope")] == "centre");
        Assert.Equal((QueueCentre.Centre, day, day), (row[Array.IndexOf(header, "key")], row[Array.IndexOf(header, "from")], row[Array.IndexOf(header, "to")]));
        foreach (var figure in Figures)
        {
            Assert.Equal(Figure(api, figure).ToString(), row[Array.IndexOf(header, figure)]);
        }
    }

    private static int Figure(JsonElement all, string name) => all.GetProperty(name).GetInt32();

    private async Task<DeviceRunner> StartAsync(string id, string role, string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], _site.Fleet.MqttPort, args) { Centre = QueueCentre.Centre, Role = role };
        _devices.Add(device);
        await device.StartAsync();
        return device;
    }
}
