using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// Priority tickets, transfers, recalls after a skip and the refusals of bad input, end to end: a fleet with device
/// authentication on (devices enrol by claim code), a kiosk with a priority button and two counters with transfer
/// buttons, real processes on loopback, pressed through the simulated GPIO.
/// </summary>
public sealed class PriorityAndTransferTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private const int PriorityPin = 23;
    private const int TransferToTwoPin = 20;
    private const int TransferToNinePin = 21;
    private const string Centre = FleetRunner.DefaultCentre;

    private readonly TempFolder _folder = new("priority");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var process in _started.AsEnumerable().Reverse())
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Priority_is_called_first_a_transfer_keeps_the_number_a_skip_is_recalled_within_its_window_and_bad_input_is_refused()
    {
        var fleet = new FleetRunner(_folder["fleet"], "--Queue:RecallWindowSeconds=4");
        _started.Add(fleet);
        await fleet.StartAsync();
        Assert.True(fleet.DevicesMustAuthenticate);
        var field = QueueCentre.Fields[0];
        var devices = await Task.WhenAll(
            StartAsync(fleet, "kiosk-1", [.. QueueCentre.KioskArguments(1, 99), "--Device:Role=kiosk", $"--Queue:Fields:0:PriorityPin={PriorityPin}", "--Queue:AskFleetMs=2000", "--Queue:PriorityMarker=F"]),
            StartAsync(fleet, "counter-1", ["--Device:Counter=1", .. QueueCentre.CounterArguments(),
                $"--Queue:Transfers:0:Pin={TransferToTwoPin}", "--Queue:Transfers:0:ToCounter=2",
                $"--Queue:Transfers:1:Pin={TransferToNinePin}", "--Queue:Transfers:1:ToCounter=9"]),
            StartAsync(fleet, "counter-2", ["--Device:Counter=2", .. QueueCentre.CounterArguments(), $"--Queue:ServesFields:0={QueueCentre.Fields[1].Name}"]));
        var (kiosk, counter1, counter2) = (devices[0], devices[1], devices[2]);

        // Numbers 1-99 and marker F: a priority number (marker, prefix, two digits) fits the counters' 4-digit 7-segment display.
        // What the ticket says: the second ticket is printed once the fleet lists the first, so one waits ahead of it.
        await QueueCentre.PressPinAsync(kiosk, field.Pin);
        await Eventually.ReturnsAsync(TicketsAsync(fleet), t => t.Count == 1, Settle, "the first ticket at the fleet");
        await QueueCentre.PressPinAsync(kiosk, field.Pin);
        await QueueCentre.PressPinAsync(kiosk, PriorityPin);
        var pages = await QueueCentre.PrintedPagesAsync(kiosk);
        output.WriteLine(pages[1]);
        Assert.Contains("Số người đang chờ: 1", pages[1], StringComparison.Ordinal);
        Assert.Contains("FA01", pages[2], StringComparison.Ordinal);
        Assert.Contains("Số người đang chờ: 0", pages[2], StringComparison.Ordinal);
        await Eventually.ReturnsAsync(TicketsAsync(fleet), t => t.Count == 3, Settle, "three tickets at the fleet");

        // The priority ticket is called before the two ordinary ones issued earlier.
        Assert.Equal("FA01", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.CallNextPin));

        // A transfer to a counter nobody serves is refused with its code; nothing changes.
        Assert.Equal("E2", await QueueCentre.PressAndReadDisplayAsync(counter1, TransferToNinePin));
        var refusals = await fleet.GetJsonAsync("/api/v1/queue/refusals");
        Assert.Equal(1, refusals.GetProperty("byReason").GetProperty("unknown-counter").GetInt64());
        var ua001 = (await TicketsAsync(fleet)()).Single(t => Number(t) == "FA01");
        Assert.Equal(("called", "1"), (ua001.GetProperty("state").GetString(), ua001.GetProperty("counter").GetString()));

        // Transferred to counter 2 (which serves another field): it keeps its number and is called there once.
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter1, TransferToTwoPin));
        Assert.Equal("FA01", await QueueCentre.PressAndReadDisplayAsync(counter2, QueueCentre.CallNextPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter2, QueueCentre.CallNextPin));
        Assert.Equal("A01", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.CallNextPin));

        // A skipped citizen who comes back is recalled within the window (4 s here), and refused after it.
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.SkipPin));
        await Eventually.ReturnsAsync(TicketsAsync(fleet), t => t.Any(x => Number(x) == "A01" && x.GetProperty("state").GetString() == "skipped"), Settle, "the skip at the fleet");
        Assert.Equal("A01", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.RecallPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.SkipPin));
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("E6", await QueueCentre.PressAndReadDisplayAsync(counter1, QueueCentre.RecallPin));

        var tickets = await Eventually.ReturnsAsync(TicketsAsync(fleet),
            t => t.Any(x => Number(x) == "FA01" && x.GetProperty("state").GetString() == "served"), Settle, "the transferred ticket served at counter 2");
        Assert.Equal(3, tickets.Count);
        var transferred = tickets.Single(t => Number(t) == "FA01");
        Assert.Equal(("2", 1), (transferred.GetProperty("counter").GetString(), transferred.GetProperty("transfers").GetInt32()));
        var a001 = tickets.Single(t => Number(t) == "A01");
        Assert.Equal(("skipped", true), (a001.GetProperty("state").GetString(), a001.GetProperty("returned").GetBoolean()));

        // Statistics over a range, as CSV.
        var today = tickets[0].GetProperty("issuedAt").GetDateTime().AddHours(7).ToString("yyyy-MM-dd");
        var csv = await fleet.Http.GetStringAsync($"/api/v1/stats/queue?centre={Centre}&from={today}&to={today}&format=csv");
        output.WriteLine(csv);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("centre,from,to,scope,key,issued,priority,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{Centre},{today},{today},centre,{Centre},3,1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith($"{Centre},{today},{today},counter,2,1,1,1,1,", StringComparison.Ordinal));

        // The fleet unreachable: the kiosk prints at once, its own count marked as estimated.
        fleet.Kill();
        await QueueCentre.PressPinAsync(kiosk, field.Pin);
        var last = (await QueueCentre.PrintedPagesAsync(kiosk))[^1];
        output.WriteLine(last);
        Assert.Contains("(ước tính): 2", last, StringComparison.Ordinal);
    }

    private static string Number(JsonElement ticket) => ticket.GetProperty("number").GetString()!;

    private static Func<Task<List<JsonElement>>> TicketsAsync(FleetRunner fleet) => async () =>
        (await fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={Centre}")).GetProperty("tickets").EnumerateArray().ToList();

    private async Task<DeviceRunner> StartAsync(FleetRunner fleet, string id, string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], fleet.MqttPort, args) { Centre = Centre };
        _started.Add(device);
        await device.StartAsync();
        return device;
    }
}
