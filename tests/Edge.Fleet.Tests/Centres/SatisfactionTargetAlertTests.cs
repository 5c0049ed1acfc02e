using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Centres;

/// <summary>
/// The alert <c>satisfaction-below-target</c> on a real fleet process (auth on, devices provisioned by claim code): a
/// centre below its province's target on each of the last <c>Comparison:BreachDays</c> days opens one, seen by the
/// province's officer and not by another province's; a centre below on only some of those days opens none.
/// </summary>
public sealed class SatisfactionTargetAlertTests : IDisposable
{
    private const string Password = "correct horse battery";

    private readonly TempFolder _data = new("fleet-target-alert");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Two_days_below_target_open_an_alert_for_the_centre_seen_by_its_province_officer()
    {
        using var fleet = await FleetStart.StartAsync(new FleetRunner(_data.Path, "--Alerts:EvaluateEverySeconds=0.5", "--Comparison:BreachDays=2", "--Comparison:BreachCheckEveryMinutes=0"));
        foreach (var (centre, province) in new[] { ("centre-low", "01"), ("centre-once", "24") })
        {
            using var saved = await fleet.Http.PutAsJsonAsync($"/api/v1/centres/{centre}", new { name = centre, province });
            Assert.True(saved.IsSuccessStatusCode);
        }

        using var _1 = await fleet.Http.PostAsJsonAsync("/api/v1/users", new { name = "officer-hn", role = "province-officer", provinces = new[] { "01" }, password = Password });
        using var _2 = await fleet.Http.PostAsJsonAsync("/api/v1/users", new { name = "officer-bn", role = "province-officer", provinces = new[] { "24" }, password = Password });
        using var hanoi = await fleet.LoginAsync("officer-hn", Password);
        using var bacNinh = await fleet.LoginAsync("officer-bn", Password);

        // Noon (UTC+7) yesterday and the day before: centre-low 1 of 4 satisfied both days; centre-once only the day before.
        var noon = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).Date;
        DateTimeOffset Day(int back) => new DateTimeOffset(noon, TimeSpan.FromHours(7)).AddDays(-back).AddHours(12);
        var low = await fleet.ProvisionAsync("centre-low", "1", "dev-low");
        var once = await fleet.ProvisionAsync("centre-once", "1", "dev-once");
        await using (var device = await TestDevice.ConnectAsync(fleet.MqttPort, low))
        {
            await device.PublishEventsAsync(
                Events.Rating(1, 4, "1", Day(2)), Events.Rating(2, 1, "1", Day(2)), Events.Rating(3, 1, "1", Day(2)), Events.Rating(4, 2, "1", Day(2)),
                Events.Rating(5, 3, "1", Day(1)), Events.Rating(6, 1, "1", Day(1)), Events.Rating(7, 2, "1", Day(1)), Events.Rating(8, 1, "1", Day(1)));
            await device.WaitForAckAsync(8);
        }

        await using (var device = await TestDevice.ConnectAsync(fleet.MqttPort, once))
        {
            await device.PublishEventsAsync(Events.Rating(1, 1, "1", Day(2)), Events.Rating(2, 4, "1", Day(1)));
            await device.WaitForAckAsync(2);
        }

        static IEnumerable<JsonElement> Open(JsonElement alerts) =>
            alerts.GetProperty("open").EnumerateArray().Where(a => a.GetProperty("kind").GetString() == "satisfaction-below-target");
        var seen = await Eventually.ReturnsAsync(
            () => hanoi.GetFromJsonAsync<JsonElement>("/api/v1/alerts"), a => Open(a).Any(), TimeSpan.FromSeconds(30), "the alert of centre-low");

        var alert = Assert.Single(Open(seen));
        Assert.Equal("centre-low", alert.GetProperty("centre").GetString());
        Assert.Contains("25.0", alert.GetProperty("detail").GetString());
        Assert.Single(Open(await fleet.GetJsonAsync("/api/v1/alerts")));
        Assert.Empty(Open(await bacNinh.GetFromJsonAsync<JsonElement>("/api/v1/alerts")));
    }
}
