using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// The queue end to end: kiosks issue and print tickets, counters call them through the fleet over the real broker,
/// displays show the calls, the fleet reports waiting times from the devices' events.
/// </summary>
public sealed class QueueTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly QueueCentre _centre = new("queue");

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task Two_hundred_tickets_from_two_kiosks_are_called_once_each_in_field_order_by_four_counters()
    {
        var fleet = await _centre.StartFleetAsync();
        var starting = new List<Task<DeviceRunner>>
        {
            _centre.StartKioskAsync("kiosk-1", 1, 499),
            _centre.StartKioskAsync("kiosk-2", 500, 999),
        };
        starting.AddRange(Enumerable.Range(1, 4).Select(i => _centre.StartCounterAsync($"counter-{i}", i.ToString())));
        var devices = await Task.WhenAll(starting);
        var kiosks = devices[..2];
        var counters = devices[2..];

        // 200 tickets: each kiosk presses its three field buttons at once (34 + 33 + 33).
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(kiosks.SelectMany(kiosk => QueueCentre.Fields.Select((f, i) => QueueCentre.PressPinAsync(kiosk, f.Pin, i == 0 ? 34 : 33))));
        output.WriteLine($"200 tickets issued and printed in {clock.Elapsed.TotalSeconds:F1} s");
        var issued = await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 200, Settle, "the fleet to list 200 tickets");

        // Four counters press call-next as fast as they can until nobody waits; counter 1's citizens rate "very satisfied".
        clock.Restart();
        var calls = new ConcurrentBag<(string Counter, string Number, int Order)>();
        await Task.WhenAll(counters.Select(async (counter, c) =>
        {
            for (var order = 0; ; order++)
            {
                var shown = await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin);
                if (shown == "----")
                {
                    return;
                }

                calls.Add(((c + 1).ToString(), shown, order));
                if (c == 0)
                {
                    await counter.PressAsync(button: 1, count: 1);
                }
            }
        }));
        output.WriteLine($"{calls.Count} calls by 4 counters in {clock.Elapsed.TotalSeconds:F1} s");

        // Every ticket called exactly once, as the displays showed.
        var numbers = issued.Select(t => t.GetProperty("number").GetString()!).ToList();
        Assert.Equal(200, numbers.Distinct().Count());
        Assert.Equal(numbers.Order(), calls.Select(c => c.Number).Order());
        Assert.All(counters, c => Assert.Contains(calls, call => call.Counter == c.Id["counter-".Length..]));

        // Printed tickets: one page per ticket, each with its number; kiosk 2 numbers from its own block.
        var printed = new List<string>();
        foreach (var kiosk in kiosks)
        {
            var pages = await QueueCentre.PrintedPagesAsync(kiosk);
            Assert.Equal(100, pages.Count);
            printed.AddRange(numbers.Where(n => pages.Any(p => p.Contains(n, StringComparison.Ordinal)) && issued.Single(t => t.GetProperty("number").GetString() == n).GetProperty("kiosk").GetString() == kiosk.Id));
        }

        Assert.Equal(numbers.Order(), printed.Order());
        Assert.Contains("A001", numbers);
        Assert.Contains("A500", numbers);

        // In order within each field: handed out in issue order, and each counter saw its own calls in that order.
        var tickets = await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.All(x => x.TryGetProperty("calledAt", out var at) && at.ValueKind != JsonValueKind.Null && x.GetProperty("state").GetString() == "served"), Settle, "every call and service to reach the fleet");
        foreach (var field in tickets.GroupBy(t => t.GetProperty("field").GetString()))
        {
            var byIssue = field.Select(t => t.GetProperty("number").GetString()!).ToList();
            var byCall = field.OrderBy(t => t.GetProperty("callOrder").GetInt64()).Select(t => t.GetProperty("number").GetString()!).ToList();
            Assert.Equal(byIssue, byCall);
            foreach (var seen in calls.Where(c => field.Any(t => t.GetProperty("number").GetString() == c.Number)).GroupBy(c => c.Counter))
            {
                var mine = seen.OrderBy(c => c.Order).Select(c => c.Number).ToList();
                Assert.Equal(byIssue.Where(mine.Contains), mine);
            }
        }

        // Waiting time = called − issued, from the devices' events, and the statistics agree with the tickets.
        var stats = await fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}");
        var waits = tickets.Select(t => (t.GetProperty("calledAt").GetDateTime() - t.GetProperty("issuedAt").GetDateTime()).TotalSeconds).ToList();
        Assert.All(tickets, t => Assert.Equal(
            (t.GetProperty("calledAt").GetDateTime() - t.GetProperty("issuedAt").GetDateTime()).TotalSeconds, t.GetProperty("waitS").GetDouble(), tolerance: 0.006));
        // The API rounds to hundredths: compare within that, not by rounding both (6.4502 and 6.45 round apart).
        Assert.Equal(waits.Average(), stats.GetProperty("all").GetProperty("waitAvgS").GetDouble(), tolerance: 0.011);
        Assert.Equal(200, stats.GetProperty("all").GetProperty("served").GetInt32());
        Assert.Equal(3, stats.GetProperty("byField").GetArrayLength());
        var counter1 = stats.GetProperty("byCounter").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "1");
        Assert.Equal(calls.Count(c => c.Counter == "1"), counter1.GetProperty("ratings").GetInt32());
        Assert.Equal(1.0, counter1.GetProperty("satisfactionIndex").GetDouble());
        output.WriteLine($"wait avg {stats.GetProperty("all").GetProperty("waitAvgS")} s, max {stats.GetProperty("all").GetProperty("waitMaxS")} s; service avg {stats.GetProperty("all").GetProperty("serviceAvgS")} s");

        // The hall display's endpoint lists the latest calls, newest first.
        var hall = await fleet.GetJsonAsync($"/api/v1/queue/calls?centre={QueueCentre.Centre}&limit=4");
        Assert.Equal(4, hall.GetProperty("calls").GetArrayLength());
    }

    [Fact]
    public async Task A_kiosk_keeps_issuing_while_the_fleet_is_down_and_every_ticket_arrives_once_in_order()
    {
        var fleet = await _centre.StartFleetAsync();
        var kiosk = await _centre.StartKioskAsync("kiosk-1", 1, 999);
        var counter = await _centre.StartCounterAsync("counter-1", "1", callTimeoutMs: 1500);
        var pin = QueueCentre.Fields[0].Pin;

        await QueueCentre.PressPinAsync(kiosk, pin, 5);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 5, Settle, "5 tickets at the fleet");

        fleet.Kill();
        await QueueCentre.PressPinAsync(kiosk, pin, 10);
        Assert.Equal(15, (await QueueCentre.PrintedPagesAsync(kiosk)).Count);
        Assert.True((await kiosk.StatusAsync()).GetProperty("outboxDepth").GetInt64() >= 10, "tickets issued offline wait in the outbox");

        // Nobody hands out tickets while the centre is cut off: call-next gives up and shows no number.
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));

        await fleet.StartAsync();
        var tickets = await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 15, Settle, "15 tickets at the fleet");
        Assert.Equal(Enumerable.Range(1, 15).Select(n => $"A{n:000}"), tickets.Select(t => t.GetProperty("number").GetString()));
        await Eventually.TrueAsync(async () => (await kiosk.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0, Settle, "the kiosk's outbox to drain");
        var device = await fleet.DeviceAsync("kiosk-1");
        Assert.Equal(0, device!.Value.GetProperty("missing").GetInt64());

        // Back online: calls resume from the first ticket; recall shows it again, skip closes it as absent.
        await Eventually.TrueAsync(async () => await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin) == "A001", Settle, "call-next to work again");
        Assert.Equal("A001", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.RecallPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.SkipPin));
        Assert.Equal("A002", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        await Eventually.TrueAsync(async () =>
        {
            var first = (await _centre.TicketsAsync())[0];
            return first.GetProperty("state").GetString() == "skipped" && first.GetProperty("recalls").GetInt32() == 1;
        }, Settle, "the recall and the skip to reach the fleet");
    }
}
