using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// Issue 18, transfer and priority during an outage (fleet/Queue/README.md, "Transfer during an outage"): a kiosk with a
/// priority button and three counters, each a real process with its LAN endpoint on its own loopback address, provisioned
/// by claim code with device authentication on; the centre key and the list of the centre's devices come from the fleet.
/// Counter 1 transfers tickets to counter 3 and to another field while the fleet is down; when it returns, the fleet's
/// record shows each transfer once and each ticket called once after it, where it went.
/// </summary>
public class OfflineTransferTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private const int PriorityPin = 23;
    private const int ToCounterThreePin = 20;
    private const int ToFieldCPin = 21;

    private readonly ITestOutputHelper _output;
    private readonly QueueCentre _centre;

    public OfflineTransferTests(ITestOutputHelper output)
        : this(output, DeviceProgram.Default)
    {
    }

    /// <summary>The same tests on another device host program (tests/Edge.EndToEnd.Tests/NativeHost).</summary>
    protected OfflineTransferTests(ITestOutputHelper output, DeviceProgram program)
    {
        _output = output;
        _centre = new("offline-transfer") { Program = program };
    }

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task Tickets_transferred_during_an_outage_are_called_once_where_they_went_and_the_fleet_records_each_transfer_once()
    {
        var (a, b, c) = (QueueCentre.Fields[0], QueueCentre.Fields[1], QueueCentre.Fields[2]);
        var fleet = await _centre.StartFleetAsync();
        var kiosk = await _centre.StartKioskWithAsync("kiosk-1", 1, 99,
            [.. Lan(11), $"--Queue:Fields:0:PriorityPin={PriorityPin}", "--Queue:PriorityMarker=F"]);
        var counters = await Task.WhenAll(
            _centre.StartCounterWithAsync("counter-1", "1", [.. Lan(21), $"--Queue:ServesFields:0={a.Name}",
                $"--Queue:Transfers:0:Pin={ToCounterThreePin}", "--Queue:Transfers:0:ToCounter=3",
                $"--Queue:Transfers:1:Pin={ToFieldCPin}", $"--Queue:Transfers:1:ToField={c.Name}"]),
            _centre.StartCounterWithAsync("counter-2", "2", [.. Lan(22), $"--Queue:ServesFields:0={c.Name}"]),
            _centre.StartCounterWithAsync("counter-3", "3", [.. Lan(23), $"--Queue:ServesFields:0={b.Name}"]));
        var (one, two, three) = (counters[0], counters[1], counters[2]);
        DeviceRunner[] all = [kiosk, .. counters];
        await Eventually.TrueAsync(async () => (await Task.WhenAll(all.Select(d => d.Http.GetFromJsonAsync<JsonElement>("/lan")))).All(l =>
            l.GetProperty("enabled").GetBoolean() && l.GetProperty("peersFromFleet").GetInt32() == all.Length - 1), Settle, "the fleet's LAN information on every device");

        // Online, with the LAN on: the fleet transfers A01 to counter 3, tells the kiosk, and its next hand-out (to counter 3)
        // is confirmed by the kiosk although counter 1 had confirmed it first.
        await QueueCentre.PressPinAsync(kiosk, a.Pin);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 1, Settle, "A01 at the fleet");
        Assert.Equal("A01", await QueueCentre.PressAndReadDisplayAsync(one, QueueCentre.CallNextPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(one, ToCounterThreePin));
        Assert.Equal("A01", await QueueCentre.PressAndReadDisplayAsync(three, QueueCentre.CallNextPin));

        // The fleet goes away. Three ordinary tickets, then two priority ones, all of field A.
        fleet.Kill();
        await Eventually.TrueAsync(async () => !(await kiosk.StatusAsync()).GetProperty("connected").GetBoolean(), Settle, "the kiosk to see the link down");
        await QueueCentre.PressPinAsync(kiosk, a.Pin, 3);
        await QueueCentre.PressPinAsync(kiosk, PriorityPin, 2);

        // Priority tickets issued during the outage are called before the ordinary ones issued earlier; counter 1
        // transfers each of the first three: two to counter 3 (which serves field B only), one to field C.
        var shown = new List<(string Counter, string Number)>();
        async Task CallAsync(DeviceRunner counter, string id, string expected)
        {
            var number = await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin);
            Assert.Equal(expected, number);
            if (number != "----")
            {
                shown.Add((id, number));
            }
        }

        await CallAsync(one, "1", "FA01");
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(one, ToCounterThreePin));
        await CallAsync(one, "1", "FA02");
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(one, ToFieldCPin));
        await CallAsync(one, "1", "A02");
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(one, ToCounterThreePin));

        // Each is called once, where it went, in the documented order there (priority first).
        await CallAsync(three, "3", "FA01");
        await CallAsync(three, "3", "A02");
        await CallAsync(three, "3", "----");
        await CallAsync(two, "2", "FA02");
        await CallAsync(two, "2", "----");
        await CallAsync(one, "1", "A03");
        await CallAsync(one, "1", "A04");
        await CallAsync(one, "1", "----");
        var lan = await one.Http.GetFromJsonAsync<JsonElement>("/lan");
        Assert.Equal((3, 5), (lan.GetProperty("localTransfers").GetInt32(), lan.GetProperty("localCalls").GetInt32()));

        // The fleet returns: its record is what happened, each transfer once, each ticket called once after it.
        await fleet.StartAsync();
        await Eventually.TrueAsync(async () => (await Task.WhenAll(all.Select(d => d.StatusAsync()))).All(s => s.GetProperty("outboxDepth").GetInt64() == 0),
            Settle, "every outbox to drain");
        var tickets = (await _centre.TicketsAsync()).ToDictionary(t => t.GetProperty("number").GetString()!);
        _output.WriteLine(string.Join("\n", tickets.Values));
        Assert.Equal(6, tickets.Count);
        Assert.Equal(("3", 1, a.Name), Record(tickets["A01"]));
        Assert.Equal(("3", 1, a.Name), Record(tickets["FA01"]));
        Assert.Equal(("2", 1, c.Name), Record(tickets["FA02"]));
        Assert.Equal(("3", 1, a.Name), Record(tickets["A02"]));
        Assert.Equal(("1", 0, a.Name), Record(tickets["A03"]));
        Assert.Equal(("1", 0, a.Name), Record(tickets["A04"]));
        Assert.All(tickets.Values, t => Assert.NotEqual("waiting", t.GetProperty("state").GetString()));

        // Waiting time runs to the first call (at counter 1), as for a transfer the fleet makes.
        Assert.All(["FA01", "FA02", "A02"], n => Assert.True(
            tickets[n].GetProperty("calledAt").GetDateTime() < tickets["A03"].GetProperty("calledAt").GetDateTime(), $"{n} keeps its first call's time"));
        var stats = (await fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}")).GetProperty("all");
        _output.WriteLine(stats.ToString());
        Assert.Equal((6, 2, 4, 0), (stats.GetProperty("issued").GetInt32(), stats.GetProperty("priority").GetInt32(),
            stats.GetProperty("transferred").GetInt32(), stats.GetProperty("waiting").GetInt32()));

        // Calling is the fleet's again, and nothing transferred is called a second time.
        foreach (var counter in counters)
        {
            Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        }

        await QueueCentre.PressPinAsync(kiosk, b.Pin);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 7, Settle, "B01 at the fleet");
        Assert.Equal("B01", await QueueCentre.PressAndReadDisplayAsync(three, QueueCentre.CallNextPin));
        Assert.Equal(5, (await one.Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("localCalls").GetInt32());

        // Each transferred ticket was shown twice in all: where it was first called, and once where it went.
        Assert.All(["FA01", "FA02", "A02"], n => Assert.Equal(2, shown.Count(s => s.Number == n)));
    }

    private static (string? Counter, int Transfers, string Field) Record(JsonElement ticket) =>
        (ticket.GetProperty("counter").GetString(), ticket.GetProperty("transfers").GetInt32(), ticket.GetProperty("field").GetString()!);

    private static string[] Lan(int host) => QueueCentre.LanOn(host);
}
