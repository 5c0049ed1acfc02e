using System.Text.Json;
using Edge.Testing;
using Edge.Testing.Browser;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// A fleet with short health and alert intervals, simulated devices heart-beating every second, and a headless
/// Chromium signed in to the dashboard as the administrator. Device authentication is on, as shipped: each device is
/// enrolled at <see cref="FleetRunner.DefaultCentre"/> and provisions itself by claim code (<see cref="DeviceRunner"/>).
/// Everything it starts stops on dispose.
/// </summary>
public sealed class DashboardSite : IAsyncDisposable
{
    /// <summary>The administrator's password, given to the fleet through the environment it inherits.</summary>
    public const string AdminPassword = "dashboard-tests-password";

    private readonly TempFolder _folder = new("dashboard");
    private readonly List<IDisposable> _started = [];
    private HeadlessChromium? _chromium;

    private DashboardSite(FleetRunner fleet)
    {
        Fleet = fleet;
    }

    public FleetRunner Fleet { get; }

    public WebDriverSession Browser => _chromium?.Session ?? throw new InvalidOperationException("no browser yet");

    public string Url(string route) => $"http://127.0.0.1:{Fleet.HttpPort}/dashboard/#{route}";

    public static async Task<DashboardSite> StartAsync()
    {
        Environment.SetEnvironmentVariable("EDGE_ADMIN_PASSWORD", AdminPassword);
        var folder = new TempFolder("dashboard-fleet");
        var fleet = new FleetRunner(folder.Path,
            "--Health:HeartbeatIntervalSeconds=1",
            "--Alerts:EvaluateEverySeconds=0.5",
            "--Alerts:Defaults:OpeningHours=always",
            "--Alerts:Defaults:OfflineMinutes=0.05",
            "--Alerts:Defaults:ClockUnsyncedMinutes=0",
            "--Alerts:Defaults:NoRatingHours=0");
        var site = new DashboardSite(fleet);
        site._started.Add(fleet);
        site._started.Add(folder);
        await fleet.StartAsync();
        return site;
    }

    public async Task<DeviceRunner> StartDeviceAsync(string id, string counter, string centre = FleetRunner.DefaultCentre)
    {
        var device = new DeviceRunner(id, _folder[id], Fleet.MqttPort, $"--Device:Counter={counter}", "--Health:IntervalSeconds=1") { Centre = centre };
        _started.Add(device);
        await device.StartAsync();
        try
        {
            await Eventually.TrueAsync(
                async () => (await Fleet.GetJsonAsync("/api/v1/health")).EnumerateArray()
                    .Any(d => d.GetProperty("id").GetString() == id && d.GetProperty("online").GetBoolean() && d.TryGetProperty("lastHeartbeat", out var h) && h.ValueKind != JsonValueKind.Null),
                TimeSpan.FromSeconds(60),
                $"{id} to be online with a heartbeat");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nfleet:\n{Tail(Fleet.Output)}\ndevice:\n{Tail(device.Output)}", ex);
        }

        return device;
    }

    /// <summary>Starts the browser, opens <paramref name="route"/> and signs in through the dashboard's login form.</summary>
    public async Task<WebDriverSession> OpenAsync(string route)
    {
        _chromium ??= await HeadlessChromium.StartAsync();
        await Browser.NavigateAsync(Url(route));
        await Browser.WaitUntilAsync(
            "return document.getElementById('login')?.hidden === false || !!document.getElementById('view')?.dataset.loaded",
            TimeSpan.FromSeconds(30),
            "the dashboard to load or ask for a login");
        var password = await Browser.FindAsync("#login-password");
        if ((await Browser.ExecuteAsync("return !document.getElementById('login').hidden")).GetBoolean())
        {
            await Browser.TypeAsync(password!, AdminPassword);
            await Browser.ClickAsync((await Browser.FindAsync("#login-submit"))!);
        }

        await Browser.WaitUntilAsync(
            "return document.getElementById('login').hidden && !!document.getElementById('view').dataset.loaded",
            TimeSpan.FromSeconds(30),
            "the dashboard to show data after signing in");
        return Browser;
    }

    /// <summary>Changes the simulated printer of a device (POST /sim/printer?paper=...).</summary>
    public static async Task SetPaperAsync(DeviceRunner device, string paper)
    {
        using var response = await device.Http.PostAsync($"/sim/printer?paper={paper}", null);
        Assert.True(response.IsSuccessStatusCode, $"POST /sim/printer?paper={paper}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public string Diagnostics() => Tail(Fleet.Output);

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(60));

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        foreach (var started in Enumerable.Reverse(_started))
        {
            started.Dispose();
        }

        _folder.Dispose();
    }
}
