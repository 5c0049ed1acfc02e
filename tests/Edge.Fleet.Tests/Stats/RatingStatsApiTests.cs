using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Stats;

/// <summary><c>GET /api/v1/stats/ratings</c> on ratings sent through the real MQTT path by provisioned devices.</summary>
public sealed class RatingStatsApiTests : IDisposable
{
    private readonly TempFolder _data = new("fleet-stats");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Ratings_are_counted_per_level_with_the_index_and_filtered_by_counter_and_time()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        // The registry, not the event, says which counter a device serves: one device per counter.
        await using var first = await fleet.ProvisionAndConnectAsync("dev-stats-1", "c1");
        await using var second = await fleet.ProvisionAndConnectAsync("dev-stats-2", "c2");
        var morning = Events.Morning;
        await first.PublishEventsAsync(
            Events.Rating(1, 4, "c1", morning),
            Events.Rating(2, 4, "c1", morning.AddMinutes(1)),
            Events.Rating(3, 3, "c1", morning.AddMinutes(2)),
            Events.Rating(4, 1, "c1", morning.AddMinutes(3)),
            Events.Rating(5, 1, "c1", morning.AddMinutes(4), suspect: true));
        await second.PublishEventsAsync(Events.Rating(1, 2, "c2", morning.AddMinutes(5)));
        await first.WaitForAckAsync(5);
        await second.WaitForAckAsync(1);

        var all = await fleet.GetJsonAsync("/api/v1/stats/ratings");
        var c1 = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=c1");
        var window = await fleet.GetJsonAsync($"/api/v1/stats/ratings?counter=c1&from={Uri.EscapeDataString(morning.AddMinutes(1).ToString("O"))}&to={Uri.EscapeDataString(morning.AddMinutes(3).ToString("O"))}");
        var none = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=nowhere");

        Assert.Equal(5, all.GetProperty("total").GetInt64());
        Assert.Equal(0.6, all.GetProperty("index").GetDouble());
        Assert.Equal(4, c1.GetProperty("total").GetInt64());
        Assert.Equal(2, c1.GetProperty("byLevel").GetProperty("4").GetInt64());
        Assert.Equal(1, c1.GetProperty("byLevel").GetProperty("3").GetInt64());
        Assert.Equal(0, c1.GetProperty("byLevel").GetProperty("2").GetInt64());
        Assert.Equal(1, c1.GetProperty("byLevel").GetProperty("1").GetInt64());
        Assert.Equal(0.75, c1.GetProperty("index").GetDouble());
        Assert.Equal(2, window.GetProperty("total").GetInt64());
        Assert.Equal(0, none.GetProperty("total").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, none.GetProperty("index").ValueKind);
        Assert.Equal(4, none.GetProperty("byLevel").EnumerateObject().Count());
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Unreadable_time_is_a_bad_request_naming_the_parameter()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);

        var response = await fleet.Http.GetAsync("/api/v1/stats/ratings?from=yesterday-ish");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("from", await response.Content.ReadAsStringAsync());
    }
}
