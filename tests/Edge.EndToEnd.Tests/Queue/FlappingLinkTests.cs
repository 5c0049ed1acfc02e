using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// Issue 18, "the link flaps every few seconds": two kiosks and four counters (real processes, LAN endpoints on their
/// own loopback addresses, key and peers from the fleet) keep issuing and calling for a minute while the fleet is
/// killed and started again every 2 s. At the end every ticket was called exactly once, and the fleet's record (which
/// counter called each ticket) equals what the counters showed.
/// </summary>
public sealed class FlappingLinkTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Flapping = TimeSpan.FromSeconds(60);
    private readonly QueueCentre _centre = new("flapping-centre");

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task With_the_link_flapping_every_2_s_for_a_minute_each_ticket_is_called_once_and_the_fleet_agrees_with_the_counters()
    {
        var fleet = await _centre.StartFleetAsync();
        var kiosks = await Task.WhenAll(
            _centre.StartKioskWithAsync("kiosk-1", 1, 499, Lan(11)),
            _centre.StartKioskWithAsync("kiosk-2", 500, 999, Lan(12)));
        var counters = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => _centre.StartCounterWithAsync($"counter-{i}", i.ToString(), Lan(20 + i))));
        DeviceRunner[] all = [.. kiosks, .. counters];
        await Eventually.TrueAsync(async () => (await Task.WhenAll(all.Select(d => d.Http.GetFromJsonAsync<JsonElement>("/lan")))).All(l =>
            l.GetProperty("enabled").GetBoolean() && l.GetProperty("peersFromFleet").GetInt32() == all.Length - 1), Settle, "the fleet's LAN information on every device");

        var calls = new ConcurrentQueue<(string Counter, string Number)>();
        var issued = 0;
        var flaps = 0;
        using var stop = new CancellationTokenSource(Flapping);
        var issuing = Task.WhenAll(kiosks.Select((kiosk, k) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[k].Pin);
                Interlocked.Increment(ref issued);
                await Task.Delay(700);
            }
        })));
        var calling = Task.WhenAll(counters.Select((counter, c) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin) is var shown && shown != "----")
                {
                    calls.Enqueue(((c + 1).ToString(), shown));
                }

                await Task.Delay(300);
            }
        })));
        var flapping = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Flapping)
            {
                fleet.Kill();
                await Task.Delay(2000);
                await fleet.StartAsync();
                flaps++;
                await Task.Delay(2000);
            }
        });
        await Task.WhenAll(issuing, calling, flapping);
        var duringFlapping = calls.Count;
        output.WriteLine($"{flaps} flaps; {issued} tickets issued, {duringFlapping} called while flapping");
        Assert.True(flaps >= 5, $"the link flapped ({flaps} times)");
        Assert.True(duringFlapping > 0, "counters called while the link flapped");

        // The link stays up: the counters call what is left (a "----" can come while the kiosks' tickets are still on their way).
        await Eventually.TrueAsync(async () =>
        {
            await Task.WhenAll(counters.Select(async (counter, c) =>
            {
                if (await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin) is var shown && shown != "----")
                {
                    calls.Enqueue(((c + 1).ToString(), shown));
                }
            }));
            return calls.Count >= issued;
        }, Settle, "every issued ticket to be called");

        var shownTwice = calls.GroupBy(c => c.Number).Where(g => g.Count() > 1).Select(g => $"{g.Key} by {string.Join(",", g.Select(x => x.Counter))}").ToList();
        Assert.True(shownTwice.Count == 0, "called more than once: " + string.Join("; ", shownTwice));
        Assert.Equal(issued, calls.Count);

        List<JsonElement> tickets = [];
        try
        {
            tickets = await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == issued && Differences(t, calls).Count == 0,
                Settle, "the fleet's record to equal what the counters showed");
        }
        catch (TimeoutException)
        {
            tickets = await _centre.TicketsAsync();
            Assert.Fail($"the fleet has {tickets.Count} of {issued} tickets; differences: {string.Join("; ", Differences(tickets, calls))}");
        }

        Assert.Equal(calls.Select(c => c.Number).Order(), tickets.Select(t => t.GetProperty("number").GetString()!).Order());
        var stats = (await fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}")).GetProperty("all");
        Assert.Equal((issued, 0), (stats.GetProperty("issued").GetInt32(), stats.GetProperty("waiting").GetInt32()));
        var lan = await Task.WhenAll(counters.Select(c => c.Http.GetFromJsonAsync<JsonElement>("/lan")));
        output.WriteLine($"local calls {lan.Sum(l => l.GetProperty("localCalls").GetInt64())}, taken elsewhere {lan.Sum(l => l.GetProperty("takenElsewhere").GetInt64())}");
    }

    /// <summary>Tickets whose record at the fleet is not what the counters showed: still waiting, not called, or another counter.</summary>
    private static List<string> Differences(List<JsonElement> tickets, IEnumerable<(string Counter, string Number)> calls)
    {
        var shownBy = calls.ToLookup(c => c.Number, c => c.Counter);
        return tickets
            .Where(t => t.GetProperty("state").GetString() == "waiting"
                || !t.TryGetProperty("calledAt", out var at) || at.ValueKind == JsonValueKind.Null
                || !shownBy[t.GetProperty("number").GetString()!].Contains(t.TryGetProperty("counter", out var c) ? c.GetString() : null))
            .Select(t => $"{t.GetProperty("number").GetString()} shown by [{string.Join(",", shownBy[t.GetProperty("number").GetString()!])}], fleet: {t}")
            .Take(10)
            .ToList();
    }

    private static string[] Lan(int host) => QueueCentre.LanOn(host);
}
