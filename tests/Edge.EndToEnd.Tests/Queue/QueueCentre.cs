using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// A simulated centre for the queue tests: a fleet (device authentication on, as shipped), kiosks with three field
/// buttons, counters with call-next, recall and skip buttons and hall displays, all real processes on loopback, each
/// provisioned by a claim code for its role (no Device:Role given: the enrolment's applies), pressed through the
/// simulated GPIO.
/// </summary>
public sealed class QueueCentre : IDisposable
{
    public static readonly (string Name, string Prefix, int Pin)[] Fields =
        [("Tư pháp - Hộ tịch", "A", 17), ("Đất đai", "B", 27), ("Lao động - Xã hội", "C", 22)];

    public const int CallNextPin = 26;
    public const int RecallPin = 16;
    public const int SkipPin = 12;

    private readonly TempFolder _folder;
    private readonly List<IDisposable> _started = [];

    public QueueCentre(string name) => _folder = new TempFolder(name);

    /// <summary>The centre every device of the test is enrolled at.</summary>
    public const string Centre = FleetRunner.DefaultCentre;

    public FleetRunner Fleet { get; private set; } = null!;

    /// <summary>The device host program every device of the centre runs (the built dll unless told otherwise).</summary>
    public DeviceProgram Program { get; init; } = DeviceProgram.Default;

    public async Task<FleetRunner> StartFleetAsync(params string[] args)
    {
        Fleet = new FleetRunner(_folder["fleet"], args);
        _started.Add(Fleet);
        await Fleet.StartAsync();
        return Fleet;
    }

    /// <summary>A kiosk whose numbers run first..last in every field.</summary>
    public Task<DeviceRunner> StartKioskAsync(string id, int first, int last) => StartAsync(id, "kiosk", KioskArguments(first, last));

    public Task<DeviceRunner> StartCounterAsync(string id, string counter, int callTimeoutMs = 5000) =>
        StartAsync(id, "counter", [$"--Device:Counter={counter}", .. CounterArguments(callTimeoutMs)]);

    /// <summary>A kiosk as <see cref="StartKioskAsync"/>, with more settings.</summary>
    public Task<DeviceRunner> StartKioskWithAsync(string id, int first, int last, string[] more) => StartAsync(id, "kiosk", [.. KioskArguments(first, last), .. more]);

    /// <summary>A counter as <see cref="StartCounterAsync"/>, with more settings.</summary>
    public Task<DeviceRunner> StartCounterWithAsync(string id, string counter, string[] more) =>
        StartAsync(id, "counter", [$"--Device:Counter={counter}", .. CounterArguments(), .. more]);

    /// <summary>A hall display (enrolled as hall, at no counter of its own).</summary>
    public Task<DeviceRunner> StartHallAsync(string id, params string[] args) =>
        StartAsync(id, "hall", ["--Device:Counter=hall", "--Display:Kind=none", .. args]);

    /// <summary>The settings of a kiosk with the three fields, numbering first..last (its role is its enrolment's).</summary>
    public static string[] KioskArguments(int first, int last)
    {
        List<string> args = [$"--Queue:FirstNumber={first}", $"--Queue:LastNumber={last}", "--Display:Kind=none"];
        for (var i = 0; i < Fields.Length; i++)
        {
            args.AddRange([$"--Queue:Fields:{i}:Name={Fields[i].Name}", $"--Queue:Fields:{i}:Prefix={Fields[i].Prefix}", $"--Queue:Fields:{i}:Pin={Fields[i].Pin}"]);
        }

        return [.. args];
    }

    /// <summary>The settings of a counter with call-next, recall and skip buttons (its counter number aside).</summary>
    public static string[] CounterArguments(int callTimeoutMs = 5000) =>
    [
        $"--Queue:CallNextPin={CallNextPin}", $"--Queue:RecallPin={RecallPin}", $"--Queue:SkipPin={SkipPin}",
        $"--Queue:CallTimeoutMs={callTimeoutMs}", "--Printer:Transport=none",
    ];

    /// <summary>
    /// The centre's LAN settings of one device: its listen address on its own loopback host (127.0.0.<paramref name="host"/>;
    /// the key and the peers come from the fleet), short waits for tests.
    /// </summary>
    public static string[] LanOn(int host) =>
        [$"--Lan:Listen=127.0.0.{host}:{FreePort.Next()}", "--Lan:FleetWaitMs=1000", "--Lan:SettleMs=1000", "--Queue:AskFleetMs=0", "--Uplink:ReconnectMax=00:00:02"];

    public static async Task PressPinAsync(DeviceRunner device, int pin, int count = 1)
    {
        using var response = await device.Http.PostAsync($"/sim/press?pin={pin}&count={count}", null);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"press of pin {pin} x{count} on {device.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Presses call-next (or recall/skip) and returns what the counter's display then shows.</summary>
    public static async Task<string> PressAndReadDisplayAsync(DeviceRunner counter, int pin)
    {
        await PressPinAsync(counter, pin);
        return (await counter.Http.GetFromJsonAsync<JsonElement>("/display")).GetProperty("shows").GetString()!.Trim();
    }

    public static async Task<List<string>> PrintedPagesAsync(DeviceRunner kiosk) =>
        (await kiosk.Http.GetFromJsonAsync<JsonElement>("/sim/printer")).GetProperty("pages").EnumerateArray().Select(p => p.GetString()!).ToList();

    public async Task<List<JsonElement>> TicketsAsync() =>
        (await Fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={Centre}")).GetProperty("tickets").EnumerateArray().ToList();

    public void Dispose()
    {
        foreach (var process in _started.AsEnumerable().Reverse())
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    private async Task<DeviceRunner> StartAsync(string id, string role, string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], Fleet.MqttPort, args) { Centre = Centre, Role = role, Program = Program };
        _started.Add(device);
        await device.StartAsync();
        return device;
    }
}
