using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Queue;
using Edge.Testing;
using Edge.Testing.Browser;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Hall;

/// <summary>
/// The hall display end to end, with device authentication on: devices provisioned by claim code take their role from
/// the enrolment; a counter's call reaches the hall's own board topic, shows on its page in Chromium and is announced in
/// Vietnamese into a WAV file (espeak-ng), measured with sox.
/// </summary>
public class HallTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;
    private readonly QueueCentre _centre;

    public HallTests(ITestOutputHelper output)
        : this(output, DeviceProgram.Default)
    {
    }

    /// <summary>The same tests on another device host program (tests/Edge.EndToEnd.Tests/NativeHost).</summary>
    protected HallTests(ITestOutputHelper output, DeviceProgram program)
    {
        _output = output;
        _centre = new("hall") { Program = program };
    }

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task A_kiosk_and_a_hall_provisioned_by_claim_code_alone_start_in_their_enrolled_roles()
    {
        await _centre.StartFleetAsync();
        var kiosk = await _centre.StartKioskAsync("kiosk-r", 1, 999);
        var hall = await _centre.StartHallAsync("hall-r");
        var counter = await _centre.StartCounterAsync("counter-r", "2");

        Assert.Equal("kiosk", await RoleAsync(kiosk));
        Assert.Equal("hall", await RoleAsync(hall));
        Assert.Equal("counter", await RoleAsync(counter));

        // Each behaves as its role: the kiosk prints a ticket, the hall serves its page, the counter has no hall page.
        await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[0].Pin);
        Assert.Contains("A001", Assert.Single(await QueueCentre.PrintedPagesAsync(kiosk)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await hall.Http.GetAsync("/hall")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await counter.Http.GetAsync("/hall")).StatusCode);
        Assert.Contains("\"role\": \"hall\"", await File.ReadAllTextAsync(Path.Combine(hall.DataDir, "identity.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_shows_on_the_hall_page_and_is_announced_once_per_call_and_recall()
    {
        await _centre.StartFleetAsync("--Hall:IntervalMs=200");
        var kiosk = await _centre.StartKioskAsync("kiosk-1", 1, 999);
        var counter = await _centre.StartCounterAsync("counter-3", "3");
        var hall = await _centre.StartHallAsync("hall-1");
        var mute = await _centre.StartHallAsync("hall-mute", "--Hall:Synthesiser=/nonexistent/espeak-ng");
        await Eventually.TrueAsync(async () => (await StateAsync(hall)).GetProperty("board").ValueKind == JsonValueKind.Object, Settle, "the hall's first board");

        await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[0].Pin, 2);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 2, Settle, "2 tickets at the fleet");
        await Eventually.TrueAsync(async () => Waiting(await StateAsync(hall), QueueCentre.Fields[0].Name) == 2, Settle, "the hall to show 2 waiting");
        Assert.Equal("A001", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));

        var state = await Eventually.ReturnsAsync(() => StateAsync(hall), s => LatestCall(s) == "A001→3", Settle, "the call on the hall's board");
        var board = state.GetProperty("board");
        Assert.Equal("A001", Assert.Single(board.GetProperty("serving").EnumerateArray()).GetProperty("number").GetString());
        Assert.Equal(1, Waiting(state, QueueCentre.Fields[0].Name));

        // The page, in a real browser: the latest call in large type.
        await using (var chromium = await HeadlessChromium.StartAsync())
        {
            var browser = chromium.Session;
            await browser.SetWindowSizeAsync(1280, 720);
            await browser.NavigateAsync($"http://127.0.0.1:{hall.LocalPort}/hall");
            await browser.WaitUntilAsync(
                "const t = document.getElementById('latest').textContent; return t.includes('A001') && t.includes('Quầy 3')"
                + " && document.getElementById('serving').textContent.includes('A001') && document.getElementById('waiting').textContent.includes('1');",
                Settle, "the hall page to show A001 → Quầy 3");
            var png = await browser.ScreenshotAsync();
            Assert.True(png.Length > 5_000, "a screenshot with content");
            if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, "hall-screen.png"), png);
            }
        }

        // One WAV per call, its text beside it, longer than half a second and not silent.
        var first = await Eventually.ReturnsAsync(() => AnnouncementsAsync(hall), a => a.Count == 1 && HallAnnouncements.Complete(a), Settle, "one announcement");
        Assert.Equal("Mời công dân có số A, không không một, đến quầy số ba.", first[0].GetProperty("text").GetString());
        await AssertAudibleAsync(hall, first[0].GetProperty("file").GetString()!);

        // A recall is announced again; nothing else is.
        Assert.Equal("A001", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.RecallPin));
        var both = await Eventually.ReturnsAsync(() => AnnouncementsAsync(hall), a => a.Count == 2 && HallAnnouncements.Complete(a), Settle, "the recall announced");
        Assert.Equal("Nhắc lại. Mời công dân có số A, không không một, đến quầy số ba.", both[0].GetProperty("text").GetString());
        await AssertAudibleAsync(hall, both[0].GetProperty("file").GetString()!);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await AnnouncementsAsync(hall)).Count);

        // Without espeak-ng the hall still shows the calls, says why once per call and counts the failures.
        var muted = await Eventually.ReturnsAsync(() => StateAsync(mute), s => s.GetProperty("voice").GetProperty("failures").GetInt64() == 2, Settle, "two counted failures");
        Assert.Equal("A001→3", LatestCall(muted));
        Assert.Empty(await AnnouncementsAsync(mute));
        Assert.Contains("/nonexistent/espeak-ng could not be started", mute.Output, StringComparison.Ordinal);

        // The link drops: the last board stays, and the state says the link is down.
        _centre.Fleet.Kill();
        var stale = await Eventually.ReturnsAsync(() => StateAsync(hall), s => !s.GetProperty("connected").GetBoolean(), Settle, "the hall to notice the lost link");
        Assert.Equal("A001→3", LatestCall(stale));
    }

    private static async Task<string> RoleAsync(DeviceRunner device)
    {
        var config = await device.Http.GetFromJsonAsync<JsonElement>("/config");
        return FindRole(config) ?? throw new InvalidOperationException($"no Device role in /config: {config}");
    }

    private static string? FindRole(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name.Equals("role", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }

                if (FindRole(property.Value) is { } found)
                {
                    return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (FindRole(item) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static async Task<JsonElement> StateAsync(DeviceRunner hall) => await hall.Http.GetFromJsonAsync<JsonElement>("/hall/state");

    private static string? LatestCall(JsonElement state) =>
        state.GetProperty("board") is { ValueKind: JsonValueKind.Object } board && board.GetProperty("calls").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } call
            ? $"{call.GetProperty("number").GetString()}→{call.GetProperty("counter").GetString()}"
            : null;

    private static int Waiting(JsonElement state, string field) =>
        state.GetProperty("board") is { ValueKind: JsonValueKind.Object } board
            ? board.GetProperty("waiting").EnumerateArray().Where(w => w.GetProperty("field").GetString() == field).Select(w => w.GetProperty("count").GetInt32()).FirstOrDefault(-1)
            : -1;

    private static Task<List<JsonElement>> AnnouncementsAsync(DeviceRunner hall) => HallAnnouncements.ListAsync(hall.Http);

    /// <summary>sox: the WAV lasts more than half a second and its RMS amplitude is well above silence.</summary>
    private async Task AssertAudibleAsync(DeviceRunner hall, string file)
    {
        var path = Path.Combine(hall.DataDir, "hall-voice", file);
        Assert.True(File.Exists(Path.ChangeExtension(path, ".txt")), "the text is kept beside the WAV");
        var duration = await HallAnnouncements.DurationAsync(path);
        var stat = await SoxStatAsync(path);
        var rms = double.Parse(stat.Split('\n').First(l => l.StartsWith("RMS     amplitude", StringComparison.Ordinal)).Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        _output.WriteLine($"{file}: {duration:F2} s, RMS amplitude {rms:F3}");
        Assert.True(duration > 0.5, $"{file} lasts {duration} s");
        Assert.True(rms > 0.01, $"{file} is nearly silent (RMS {rms})");
    }

    /// <summary>sox prints its statistics on standard error.</summary>
    private static async Task<string> SoxStatAsync(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("sox") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { path, "-n", "stat" })
        {
            info.ArgumentList.Add(arg);
        }

        using var sox = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("sox did not start (apt-get install sox)");
        var stat = await sox.StandardError.ReadToEndAsync();
        await sox.WaitForExitAsync();
        return stat;
    }
}
