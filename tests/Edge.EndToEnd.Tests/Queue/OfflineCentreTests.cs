using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// Issue 18: a centre keeps calling through a cut link. Two kiosks, four counters and a hall display, each a real
/// process with its LAN endpoint on its own loopback address (127.0.0.x as the centre's LAN hosts). Nothing about the
/// LAN is configured but each device's listen address: the centre key and the list of the centre's devices come from
/// the fleet (at provisioning and on <c>edge/v1/{device}/lan</c>); the fleet is killed for a stretch and returns, and
/// the key is rotated after it.
/// </summary>
public sealed class OfflineCentreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private readonly QueueCentre _centre = new("offline-centre");
    private readonly List<(string Id, string Role, string Address)> _lan = [];

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task Counters_call_through_the_kiosks_while_the_fleet_is_down_and_the_fleet_ends_with_one_history()
    {
        // The fleet's fairness rule (not the defaults) reaches the devices with the key, for their calls through the kiosks.
        var fleet = await _centre.StartFleetAsync("--Queue:PriorityRun=2", "--Queue:OrdinaryWaitSeconds=600");
        Plan("kiosk-1", "kiosk", 11);
        Plan("kiosk-2", "kiosk", 12);
        for (var i = 1; i <= 4; i++)
        {
            Plan($"counter-{i}", "counter", 20 + i);
        }

        Plan("hall-1", "hall", 30);
        var kiosks = await Task.WhenAll(
            _centre.StartKioskWithAsync("kiosk-1", 1, 499, Lan("kiosk-1")),
            _centre.StartKioskWithAsync("kiosk-2", 500, 999, Lan("kiosk-2")));
        var counters = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => _centre.StartCounterWithAsync($"counter-{i}", i.ToString(), Lan($"counter-{i}"))));
        var hall = await _centre.StartHallAsync("hall-1", Lan("hall-1"));
        DeviceRunner[] all = [.. kiosks, .. counters, hall];
        var calls = new ConcurrentQueue<(string Counter, string Number)>();

        // The fleet's centre key and list of the centre's devices (no Lan:CentreKey, no Lan:Peers configured).
        await LanFromFleetAsync(all, keyVersion: 1);
        foreach (var device in all)
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(device.DataDir, "centre-key.json")));
            }
        }

        var lanView = await fleet.GetJsonAsync($"/api/v1/centres/{QueueCentre.Centre}/lan");
        Assert.Equal(7, lanView.GetProperty("devices").EnumerateArray().Count(d => d.GetProperty("lanAddress").GetString() is not null));
        Assert.False(lanView.ToString().Contains("key\"", StringComparison.Ordinal), "the API never shows the key");

        // Online: 8 tickets, 4 called through the fleet (each confirmed with its kiosk on the LAN).
        await Task.WhenAll(QueueCentre.PressPinAsync(kiosks[0], QueueCentre.Fields[0].Pin, 4), QueueCentre.PressPinAsync(kiosks[1], QueueCentre.Fields[1].Pin, 4));
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 8, Settle, "8 tickets at the fleet");
        await Task.WhenAll(counters.Select(async (c, i) => calls.Enqueue(((i + 1).ToString(), await QueueCentre.PressAndReadDisplayAsync(c, QueueCentre.CallNextPin)))));
        Assert.DoesNotContain(calls, c => c.Number == "----");

        // The fleet goes away: 100 tickets are issued and called among the devices; kiosk 1 is SIGKILLed and restarted.
        fleet.Kill();
        var issuing = Task.WhenAll(
            QueueCentre.PressPinAsync(kiosks[0], QueueCentre.Fields[0].Pin, 30), QueueCentre.PressPinAsync(kiosks[1], QueueCentre.Fields[1].Pin, 30));
        await issuing;
        var timed = new ConcurrentQueue<TimedCall>();
        var called = await CallUntilAsync(counters, calls, 68, timed);
        output.WriteLine($"{called} called during the outage before the kiosk's restart");
        Assert.True(called > 0, "counters call without the fleet");

        kiosks[0].Kill();
        await kiosks[0].StartAsync();
        await Task.WhenAll(
            QueueCentre.PressPinAsync(kiosks[0], QueueCentre.Fields[0].Pin, 20), QueueCentre.PressPinAsync(kiosks[1], QueueCentre.Fields[1].Pin, 20));
        await Task.Delay(1500); // the restarted kiosk's settle time (Lan:SettleMs)
        called += await CallUntilAsync(counters, calls, 108, timed);
        Assert.Equal(108, calls.Count); // 4 called online, then the 4 left waiting when the link dropped and the 100 issued during the outage
        AssertDocumentedOrder(timed);

        // The hall display heard the calls on the LAN.
        var board = await hall.Http.GetFromJsonAsync<JsonElement>("/hall/state");
        output.WriteLine(board.ToString());
        var online = calls.Count - called;
        var onBoard = board.GetProperty("board").GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("number").GetString()!).ToList();
        Assert.Equal(10, onBoard.Count);
        Assert.All(onBoard, n => Assert.Contains(calls, c => c.Number == n && !OnlineNumbers(calls, online).Contains(n)));

        // A stranger on the LAN (no centre key) can neither read the kiosks' lists nor take a ticket, nor reach the local endpoint.
        using var stranger = new HttpClient();
        var kioskLan = _lan.Single(l => l.Id == "kiosk-2").Address;
        using var heads = await stranger.PostAsync($"http://{kioskLan}/lan/v1/heads", Json("""{"counter":"9","fields":[]}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, heads.StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"http://{kioskLan}/lan/v1/take") { Content = Json("""{"requestId":"x","counter":"9","number":"B540","day":"2099-01-01"}""") };
        forged.Headers.Add("X-Edge-Device", "counter-1");
        forged.Headers.Add("X-Edge-Signature", Convert.ToBase64String(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.UTF8.GetBytes("x"))));
        using var take = await stranger.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, take.StatusCode);
        using var press = await stranger.PostAsync($"http://{kioskLan}/sim/press?pin=17", null);
        Assert.Equal(HttpStatusCode.NotFound, press.StatusCode);
        Assert.True((await kiosks[1].Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("refused").GetInt64() >= 3);

        // The fleet returns: its list, statistics and waiting times are what happened; then calling is the fleet's again.
        await fleet.StartAsync();
        var tickets = await Eventually.ReturnsAsync(_centre.TicketsAsync,
            t => t.Count == 108 && t.All(x => x.GetProperty("state").GetString() != "waiting" && Has(x, "calledAt")),
            Settle, "every ticket and call to reach the fleet");
        var shown = calls.GroupBy(c => c.Number).ToList();
        Assert.All(shown, g => Assert.Single(g));
        foreach (var (counter, number) in calls)
        {
            var ticket = tickets.Single(t => t.GetProperty("number").GetString() == number);
            Assert.Equal(counter, ticket.GetProperty("counter").GetString());
        }

        await Eventually.TrueAsync(async () => (await Task.WhenAll(kiosks.Select(k => k.StatusAsync()))).All(s => s.GetProperty("outboxDepth").GetInt64() == 0), Settle, "the kiosks' outboxes to drain");
        await Task.WhenAll(QueueCentre.PressPinAsync(kiosks[0], QueueCentre.Fields[0].Pin, 2), QueueCentre.PressPinAsync(kiosks[1], QueueCentre.Fields[1].Pin, 2));
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 112, Settle, "112 tickets at the fleet");
        var back = await CallUntilAsync(counters, calls, 112);
        Assert.Equal(4, back);
        Assert.Equal(112, calls.Select(c => c.Number).Distinct().Count());
        var final = await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.All(x => Has(x, "calledAt")), Settle, "the last calls at the fleet");
        Assert.Equal(calls.Select(c => c.Number).Order(), final.Select(t => t.GetProperty("number").GetString()!).Order());
        var stats = await fleet.GetJsonAsync($"/api/v1/stats/queue?centre={QueueCentre.Centre}");
        output.WriteLine(stats.GetProperty("all").ToString());
        Assert.Equal(112, stats.GetProperty("all").GetProperty("issued").GetInt32());
        Assert.Equal(0, stats.GetProperty("all").GetProperty("waiting").GetInt32());
        var waits = final.Select(t => (t.GetProperty("calledAt").GetDateTime() - t.GetProperty("issuedAt").GetDateTime()).TotalSeconds).ToList();
        Assert.Equal(waits.Average(), stats.GetProperty("all").GetProperty("waitAvgS").GetDouble(), tolerance: 0.011);
        var localCalls = (await Task.WhenAll(counters.Select(c => c.Http.GetFromJsonAsync<JsonElement>("/lan")))).Sum(l => l.GetProperty("localCalls").GetInt64());
        Assert.Equal(104, localCalls); // and the 4 after the fleet's return went through the fleet

        // An administrator rotates the centre key: every device gets the new one, and the LAN keeps working with it
        // (each fleet hand-out is confirmed with its kiosk, signed with the new key).
        using var rotate = await fleet.Http.PostAsync($"/api/v1/centres/{QueueCentre.Centre}/lan-key/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        await LanFromFleetAsync(all, keyVersion: 2);
        var audit = await fleet.GetJsonAsync("/api/v1/audit?action=centre-key.rotated");
        Assert.Contains(QueueCentre.Centre, audit.ToString());
        var refusedBefore = (await kiosks[0].Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("refused").GetInt64();
        await QueueCentre.PressPinAsync(kiosks[0], QueueCentre.Fields[0].Pin, 2);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 114, Settle, "114 tickets at the fleet");
        Assert.Equal(2, await CallUntilAsync(counters, calls, 114));
        Assert.Equal(refusedBefore, (await kiosks[0].Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("refused").GetInt64());
        Assert.Equal(114, calls.Select(c => c.Number).Distinct().Count());
    }

    /// <summary>Every device has the fleet's key of <paramref name="keyVersion"/>, knows the centre's six other devices and the fleet's fairness rule.</summary>
    private static Task LanFromFleetAsync(DeviceRunner[] devices, long keyVersion) =>
        Eventually.TrueAsync(async () => (await Task.WhenAll(devices.Select(d => d.Http.GetFromJsonAsync<JsonElement>("/lan")))).All(l =>
            l.GetProperty("enabled").GetBoolean() && l.GetProperty("keySource").GetString() == "fleet"
            && l.GetProperty("keyVersion").GetInt64() == keyVersion && l.GetProperty("peersFromFleet").GetInt32() == devices.Length - 1
            && l.GetProperty("priorityRun").GetInt32() == 2 && l.GetProperty("ordinaryWaitSeconds").GetInt32() == 600),
            Settle, $"every device to have the fleet's centre key {keyVersion} and its list of the centre's devices");

    /// <summary>The numbers called before the outage (the first <paramref name="count"/> calls).</summary>
    private static HashSet<string> OnlineNumbers(IEnumerable<(string Counter, string Number)> calls, int count) => calls.Take(count).Select(c => c.Number).ToHashSet();

    private static bool Has(JsonElement ticket, string name) => ticket.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>
    /// Every counter presses call-next until <paramref name="total"/> numbers have been shown in all, or two minutes have
    /// passed; how many numbers this round showed. A "----" does not stop a counter: it is nobody waiting for it at that
    /// moment (a kiosk restarting or within its settle time, another counter's call in flight), and stopping there left
    /// a ticket uncalled under load (CI). A ticket really lost keeps them pressing until the deadline, and the counts fail.
    /// </summary>
    private static async Task<int> CallUntilAsync(
        DeviceRunner[] counters, ConcurrentQueue<(string Counter, string Number)> calls, int total, ConcurrentQueue<TimedCall>? timed = null)
    {
        var count = 0;
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        await Task.WhenAll(counters.Select(async (counter, c) =>
        {
            var first = true;
            while (calls.Count < total && Stopwatch.GetTimestamp() < deadline)
            {
                var pressed = Stopwatch.GetTimestamp();
                var shown = await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin);
                if (shown == "----")
                {
                    // The next call is again a counter's first after a "----" (see AssertDocumentedOrder).
                    first = true;
                    await Task.Delay(200);
                    continue;
                }

                calls.Enqueue(((c + 1).ToString(), shown));
                timed?.Enqueue(new TimedCall(shown, pressed, Stopwatch.GetTimestamp(), first));
                first = false;
                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }

    /// <summary>
    /// A number shown, with when call-next was pressed and when the display showed it (monotonic clock), and whether it
    /// was the counter's first call after a "----" (a press whose take answer was lost shows "----"; the ticket the
    /// kiosk handed out then, in order, is shown at the counter's next press: README, "A take whose answer was lost").
    /// </summary>
    private sealed record TimedCall(string Number, long Pressed, long Shown, bool AfterEmpty)
    {
        /// <summary>The field's prefix (A, B) and the number within it.</summary>
        public (string Field, int Number) Parsed => (Number[..1], int.Parse(Number[1..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The documented order within a field (no priority tickets here: issue time, then number; one kiosk per field, so
    /// printed order): whenever a call was shown before another call was pressed, the later one has the later number.
    /// Calls that overlap in time may finish in either order, so only such pairs are compared; nor is a counter's first
    /// call after a "----" the later one of a pair (it may be a hand-out made in order at the press that showed "----").
    /// </summary>
    private static void AssertDocumentedOrder(IEnumerable<TimedCall> timed)
    {
        var byField = timed.GroupBy(t => t.Parsed.Field).ToList();
        Assert.Equal(2, byField.Count);
        foreach (var field in byField)
        {
            var list = field.ToList();
            var wrong = (from earlier in list from later in list
                         where earlier.Shown < later.Pressed && !later.AfterEmpty && earlier.Parsed.Number > later.Parsed.Number
                         select $"{later.Number} after {earlier.Number}").ToList();
            Assert.True(wrong.Count == 0, $"field {field.Key} called out of order: {string.Join(", ", wrong.Take(10))}");
        }
    }

    private void Plan(string id, string role, int host) => _lan.Add((id, role, $"127.0.0.{host}:{FreePort.Next()}"));

    /// <summary>The LAN settings of one device: its listen address only (the key and the peers come from the fleet).</summary>
    private string[] Lan(string id) =>
        [$"--Lan:Listen={_lan.Single(l => l.Id == id).Address}", "--Lan:FleetWaitMs=1000", "--Lan:SettleMs=1000", "--Queue:AskFleetMs=0"];
}
