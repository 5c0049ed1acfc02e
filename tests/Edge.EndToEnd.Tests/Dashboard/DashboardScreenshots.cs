using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// Takes the screenshots of docs/ (overview, satisfaction, a device, alerts) from a small simulated centre (four counters, one printer low on paper, one
/// device unplugged). Writes them to the folder named by <c>EDGE_SCREENSHOTS</c>, else to a temp folder; refresh the
/// committed ones with
/// <c>EDGE_SCREENSHOTS=$PWD/docs dotnet test tests/Edge.EndToEnd.Tests --filter FullyQualifiedName~DashboardScreenshots</c>.
/// </summary>
public sealed class DashboardScreenshots(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly TempFolder _fallback = new("screenshots");
    private DashboardSite _site = null!;

    public async Task InitializeAsync() => _site = await DashboardSite.StartAsync();

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        _fallback.Dispose();
    }

    [Fact]
    public async Task Overview_and_satisfaction_pages_render_as_PNG_screenshots()
    {
        var folder = Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } chosen ? chosen : _fallback.Path;
        Directory.CreateDirectory(folder);
        var presses = new[] { (Id: "quay-01", Counter: "1", Buttons: new[] { 18, 9, 2, 1 }), ("quay-02", "2", [11, 12, 4, 3]), ("quay-03", "3", [6, 4, 3, 5]), ("quay-04", "4", [7, 2, 1, 0]) };
        var devices = new List<DeviceRunner>();
        foreach (var (id, counter, _) in presses)
        {
            devices.Add(await _site.StartDeviceAsync(id, counter));
        }

        for (var d = 0; d < presses.Length; d++)
        {
            for (var b = 0; b < presses[d].Buttons.Length; b++)
            {
                if (presses[d].Buttons[b] > 0)
                {
                    await devices[d].PressAsync(b + 1, presses[d].Buttons[b]);
                }
            }
        }

        var total = presses.Sum(p => p.Buttons.Sum());
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64() == total,
            Wait,
            $"{total} ratings stored");
        await DashboardSite.SetPaperAsync(devices[1], "near-end");
        await DashboardSite.SetPaperAsync(devices[2], "out");
        devices[3].Kill();

        var browser = await _site.OpenAsync("/");
        await browser.WaitUntilAsync(
            "return document.querySelector(\"tr[data-device='quay-04']\")?.dataset.online === 'false'"
            + " && document.querySelector(\"tr[data-device='quay-03'] [data-printer='paper-out']\") !== null",
            Wait,
            "the overview to show the unplugged device and the empty printer");
        await SaveAsync(browser, Path.Combine(folder, "dashboard-overview.png"));

        await browser.NavigateAsync(_site.Url("/satisfaction"));
        await browser.WaitUntilAsync(
            $"return document.querySelector(\"#satisfaction-table tr[data-key='total'] td[data-col='total']\")?.dataset.value === '{total}'",
            Wait,
            "the satisfaction table");
        await SaveAsync(browser, Path.Combine(folder, "dashboard-satisfaction.png"));

        await browser.NavigateAsync(_site.Url("/device/quay-03"));
        await browser.WaitUntilAsync(
            "return document.querySelectorAll('#health-history tbody tr').length >= 3 && document.querySelector(\"[data-printer='paper-out']\") !== null",
            Wait,
            "the device page with its heartbeat history");
        await SaveAsync(browser, Path.Combine(folder, "dashboard-device.png"));

        await browser.NavigateAsync(_site.Url("/alerts"));
        await browser.WaitUntilAsync(
            "return document.querySelector(\"#open-alerts tr[data-alert-kind='device-offline'][data-device='quay-04']\") !== null"
            + " && document.querySelector(\"#open-alerts tr[data-alert-kind='printer-paper-out'][data-device='quay-03']\") !== null",
            Wait,
            "the alerts page with the offline device and the empty printer");
        await SaveAsync(browser, Path.Combine(folder, "dashboard-alerts.png"));
    }

    private async Task SaveAsync(Edge.Testing.Browser.WebDriverSession browser, string path)
    {
        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 10_000 && png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is a PNG with content");
        await File.WriteAllBytesAsync(path, png);
        output.WriteLine($"wrote {path} ({png.Length} bytes)");
    }
}
