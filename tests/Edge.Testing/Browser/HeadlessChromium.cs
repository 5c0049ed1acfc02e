using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Testing.Browser;

/// <summary>
/// A real headless Chromium for one test, driven through chromedriver's W3C WebDriver HTTP protocol: Debian's
/// <c>chromium</c> and <c>chromium-driver</c> packages (<c>apt-get install -y chromium chromium-driver</c>), chromedriver
/// on a free port of 127.0.0.1, a fresh profile in a temp folder, no network but loopback in use. Missing binaries fail
/// the test with what to install (CI installs them), they never skip it. Dispose ends the session and kills
/// chromedriver with the browser it started.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Override the paths of the browser and the driver.</summary>
    public const string ChromiumVariable = "EDGE_CHROMIUM";
    public const string ChromeDriverVariable = "EDGE_CHROMEDRIVER";

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1360,900",
    ];

    private readonly Process _driver;
    private readonly TempFolder _profile;
    private readonly HttpClient _http;

    private HeadlessChromium(Process driver, TempFolder profile, HttpClient http, WebDriverSession session)
    {
        _driver = driver;
        _profile = profile;
        _http = http;
        Session = session;
    }

    public WebDriverSession Session { get; }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var chromium = Find(ChromiumVariable, "/usr/bin/chromium");
        var chromedriver = Find(ChromeDriverVariable, "/usr/bin/chromedriver");
        var profile = new TempFolder("chromium");
        var port = FreePort.Next();
        var info = new ProcessStartInfo(chromedriver)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"--port={port}");
        var driver = Process.Start(info) ?? throw new InvalidOperationException("chromedriver did not start");
        driver.OutputDataReceived += (_, _) => { };
        driver.ErrorDataReceived += (_, _) => { };
        driver.BeginOutputReadLine();
        driver.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await Eventually.TrueAsync(
                async () => driver.HasExited
                    ? throw new InvalidOperationException($"chromedriver exited with {driver.ExitCode}")
                    : (await http.GetFromJsonAsync<JsonElement>("status")).GetProperty("value").GetProperty("ready").GetBoolean(),
                TimeSpan.FromSeconds(30),
                "chromedriver to be ready");
            var session = await WebDriverSession.CreateAsync(http, NewSessionRequest(chromium, profile.Path));
            return new HeadlessChromium(driver, profile, http, session);
        }
        catch
        {
            Stop(driver);
            http.Dispose();
            profile.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Session.DeleteAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // The driver is killed below either way.
        }

        Stop(_driver);
        _http.Dispose();
        _profile.Dispose();
    }

    private static JsonObject NewSessionRequest(string chromium, string profile) => new()
    {
        ["capabilities"] = new JsonObject
        {
            ["alwaysMatch"] = new JsonObject
            {
                ["browserName"] = "chrome",
                ["goog:chromeOptions"] = new JsonObject
                {
                    ["binary"] = chromium,
                    ["args"] = new JsonArray([.. Flags.Append($"--user-data-dir={profile}").Select(f => (JsonNode)JsonValue.Create(f))]),
                },
            },
        },
    };

    private static string Find(string variable, string fallback)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        path = string.IsNullOrEmpty(path) ? fallback : path;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} was not found: the dashboard tests need a real headless Chromium. Install it with "
                + $"`apt-get install -y chromium chromium-driver` (CI's .ci/run does), or set {variable}.");
        }

        return path;
    }

    private static void Stop(Process driver)
    {
        try
        {
            if (!driver.HasExited)
            {
                driver.Kill(entireProcessTree: true);
                driver.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        driver.Dispose();
    }
}
