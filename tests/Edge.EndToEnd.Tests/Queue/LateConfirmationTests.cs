using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// Issue 18, the window "the fleet answers and the ticket's kiosk does not hear of it" (fleet/Queue/README.md, "When the
/// centre loses its link"): a counter that called a fleet hand-out its kiosk did not confirm (the kiosk was down) sends
/// the confirmation again until the kiosk answers, so the kiosk does not give that ticket to another counter when the
/// link drops afterwards. Real processes on loopback, device authentication on, devices provisioned by claim code.
/// </summary>
public sealed class LateConfirmationTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private readonly QueueCentre _centre = new("late-confirmation");

    public void Dispose() => _centre.Dispose();

    [Fact]
    public async Task A_fleet_hand_out_the_kiosk_missed_is_confirmed_when_it_is_back_and_not_handed_out_again_in_an_outage()
    {
        var field = QueueCentre.Fields[0];
        var fleet = await _centre.StartFleetAsync();
        var kiosk = await _centre.StartKioskWithAsync("kiosk-1", 1, 99, Lan(11));
        var one = await _centre.StartCounterWithAsync("counter-1", "1", Lan(21));
        var two = await _centre.StartCounterWithAsync("counter-2", "2", Lan(22));
        DeviceRunner[] all = [kiosk, one, two];
        await Eventually.TrueAsync(async () => (await Task.WhenAll(all.Select(d => d.Http.GetFromJsonAsync<JsonElement>("/lan")))).All(l =>
            l.GetProperty("enabled").GetBoolean() && l.GetProperty("peersFromFleet").GetInt32() == all.Length - 1), Settle, "the fleet's LAN information on every device");
        await QueueCentre.PressPinAsync(kiosk, field.Pin, 2);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 2, Settle, "two tickets at the fleet");

        // The kiosk is down when the fleet hands A01 to counter 1: the counter calls it on the fleet's word.
        kiosk.Kill();
        Assert.Equal("A01", await QueueCentre.PressAndReadDisplayAsync(one, QueueCentre.CallNextPin));
        Assert.Equal(1, (await one.Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("unconfirmedClaims").GetInt32());

        // The kiosk comes back and hears of it; then the link drops, and counter 2, through the kiosk, gets A02, not A01.
        await kiosk.StartAsync();
        await Eventually.TrueAsync(async () => (await one.Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("unconfirmedClaims").GetInt32() == 0,
            Settle, "counter 1's confirmation to reach the kiosk");
        fleet.Kill();
        await Eventually.TrueAsync(async () => !(await kiosk.StatusAsync()).GetProperty("connected").GetBoolean(), Settle, "the kiosk to see the link down");
        await Task.Delay(1500); // the restarted kiosk's settle time (Lan:SettleMs)
        Assert.Equal("A02", await QueueCentre.PressAndReadDisplayAsync(two, QueueCentre.CallNextPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(two, QueueCentre.CallNextPin));
        Assert.Equal(1, (await two.Http.GetFromJsonAsync<JsonElement>("/lan")).GetProperty("localCalls").GetInt32());
    }

    private static string[] Lan(int host) => QueueCentre.LanOn(host);
}
