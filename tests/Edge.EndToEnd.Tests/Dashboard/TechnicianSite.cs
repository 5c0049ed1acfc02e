using Edge.Testing;
using Edge.Testing.Browser;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// A fleet as shipped (device authentication required, devices provisioned by claim code) with short health and alert
/// intervals, and a headless Chromium signed in to the dashboard as <c>admin</c> with the fleet's administrator token.
/// Screenshots go to the folder named by <c>EDGE_SCREENSHOTS</c> when it is set. Everything it starts stops on dispose.
/// </summary>
public sealed class TechnicianSite : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new("tech-pages");
    private readonly List<IDisposable> _started = [];
    private HeadlessChromium? _chromium;

    private TechnicianSite(FleetRunner fleet)
    {
        Fleet = fleet;
    }

    public FleetRunner Fleet { get; }

    public WebDriverSession Browser => _chromium?.Session ?? throw new InvalidOperationException("no browser yet");

    /// <summary>A folder of this site's temp folder (created on first use by the caller).</summary>
    public string this[string name] => _folder[name];

    public static async Task<TechnicianSite> StartAsync(params string[] extraArgs)
    {
        var data = new TempFolder("tech-pages-fleet");
        var fleet = new FleetRunner(data.Path,
        [
            "--Health:HeartbeatIntervalSeconds=1",
            "--Alerts:EvaluateEverySeconds=0.5",
            "--Alerts:Defaults:OpeningHours=always",
            "--Alerts:Defaults:NoRatingHours=0",
            .. extraArgs,
        ]);
        var site = new TechnicianSite(fleet);
        site._started.Add(fleet);
        site._started.Add(data);
        await fleet.StartAsync();
        return site;
    }

    /// <summary>Starts a simulated device process (its arguments say how it provisions) and keeps it for disposal.</summary>
    public async Task<DeviceRunner> StartDeviceAsync(string id, params string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], Fleet.MqttPort, ["--Health:IntervalSeconds=1", .. args]);
        _started.Add(device);
        await device.StartAsync();
        return device;
    }

    /// <summary>Opens <paramref name="route"/> (a dashboard hash route), signing in through the login form if asked.</summary>
    public async Task<WebDriverSession> OpenAsync(string route)
    {
        _chromium ??= await HeadlessChromium.StartAsync();
        await Browser.NavigateAsync($"http://127.0.0.1:{Fleet.HttpPort}/dashboard/#{route}");
        await Browser.WaitUntilAsync(
            "return document.getElementById('login')?.hidden === false || !!document.getElementById('view')?.dataset.loaded",
            Wait, "the dashboard to load or ask for a login");
        if ((await Browser.ExecuteAsync("return !document.getElementById('login').hidden")).GetBoolean())
        {
            await Browser.TypeAsync((await Browser.FindAsync("#login-password"))!, FleetRunner.AdminToken);
            await Browser.ClickAsync((await Browser.FindAsync("#login-submit"))!);
        }

        await Browser.WaitUntilAsync(
            "return document.getElementById('login').hidden && !!document.getElementById('view').dataset.loaded",
            Wait, $"the page {route} to show data after signing in");
        return Browser;
    }

    /// <summary>
    /// Clicks the first element matching <paramref name="css"/>, failing with the selector when there is none. Lists
    /// are drawn again at every refresh (2 s): an element replaced between finding and clicking is found again.
    /// </summary>
    public async Task ClickAsync(string css)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Browser.ClickAsync(await Browser.FindAsync(css) ?? throw new InvalidOperationException($"nothing matches {css}"));
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("stale element", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>Types into the first element matching <paramref name="css"/>.</summary>
    public async Task TypeAsync(string css, string text) =>
        await Browser.TypeAsync(await Browser.FindAsync(css) ?? throw new InvalidOperationException($"nothing matches {css}"), text);

    /// <summary>The rendered text of the first element matching <paramref name="css"/>, read in one script (no stale element).</summary>
    public async Task<string> TextAsync(string css) =>
        (await Browser.ExecuteAsync("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)).GetString()
            ?? throw new InvalidOperationException($"nothing matches {css}");

    /// <summary>Answers the confirmation dialog with yes.</summary>
    public async Task ConfirmAsync()
    {
        await Browser.WaitUntilAsync("return document.getElementById('confirm').open", Wait, "the confirmation dialog");
        await ClickAsync("#confirm-yes");
        await Browser.WaitUntilAsync("return !document.getElementById('confirm').open", Wait, "the confirmation dialog to close");
    }

    /// <summary>Writes a PNG of the page to <c>EDGE_SCREENSHOTS</c>/<paramref name="name"/> when that variable is set.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Browser.ExecuteAsync("window.scrollTo(0, 0)");
            await File.WriteAllBytesAsync(Path.Combine(folder, name), await Browser.ScreenshotAsync());
        }
    }

    public string Diagnostics() => string.Join('\n', Fleet.Output.Split('\n').TakeLast(60));

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
