using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Clock;

/// <summary>
/// A Pi without an RTC after a power cut: its wall clock is years off until NTP answers. Ratings given then must
/// count at the time they were given, not at the device's wrong time nor when they reached the fleet.
/// </summary>
public sealed class ClockTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ThreeYears = TimeSpan.FromDays(3 * 365);

    private readonly TempFolder _folder = new("clock");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_started))
        {
            if (process is FleetRunner fleet)
            {
                output.WriteLine(fleet.Output);
            }

            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Ratings_given_offline_on_an_unsynchronised_clock_count_when_they_were_given()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);
        await fleet.StartAsync();
        var device = new DeviceRunner("clock-a", _folder["clock-a"], fleet.MqttPort, "--Device:Counter=9", "--Health:IntervalSeconds=1");
        _started.Add(device);
        await device.StartAsync();

        // The device's clock falls three years behind and is not synchronised; the fleet is unreachable.
        var clock = await SetClockAsync(device, $"offsetSeconds={-ThreeYears.TotalSeconds}");
        Assert.False(clock.GetProperty("synced").GetBoolean());
        fleet.Kill();
        var pressedFrom = DateTimeOffset.UtcNow;
        await device.PressAsync(1, 3);
        await device.PressAsync(4, 2);
        var pressedTo = DateTimeOffset.UtcNow;

        // They reach the fleet well after they were given.
        await Task.Delay(TimeSpan.FromSeconds(8));
        await fleet.StartAsync();
        var restartedAt = DateTimeOffset.UtcNow;

        // Live heartbeats of the same run anchor it: the five ratings count at the time of the presses.
        var given = await Eventually.ReturnsAsync(
            () => StatsAsync(fleet, pressedFrom.AddSeconds(-2), pressedTo.AddSeconds(2)),
            s => s.GetProperty("total").GetInt64() == 5,
            Settle,
            "the ratings counted at the time they were given");
        Assert.Equal(3, given.GetProperty("byLevel").GetProperty("4").GetInt64());
        Assert.Equal(2, given.GetProperty("byLevel").GetProperty("1").GetInt64());
        Assert.Equal(0, (await StatsAsync(fleet, pressedFrom - ThreeYears - TimeSpan.FromHours(1), pressedTo - ThreeYears + TimeSpan.FromHours(1))).GetProperty("total").GetInt64());
        Assert.Equal(0, (await StatsAsync(fleet, restartedAt, restartedAt.AddHours(1))).GetProperty("total").GetInt64());

        // NTP answers: the exact anchor of the synchronised clock places them again (same moments, now final).
        await SetClockAsync(device, "synced=true");
        await Eventually.TrueAsync(
            async () => PlacedInTime(await fleet.Http.GetStringAsync("/metrics")) >= 10,
            Settle,
            "the exact anchor to place the five ratings again");
        Assert.Equal(5, (await StatsAsync(fleet, pressedFrom.AddSeconds(-2), pressedTo.AddSeconds(2))).GetProperty("total").GetInt64());

        // A rating on the synchronised clock keeps the device's time and is not moved.
        var syncedFrom = DateTimeOffset.UtcNow;
        await device.PressAsync(2, 1);
        await Eventually.TrueAsync(
            async () => (await StatsAsync(fleet, syncedFrom.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("total").GetInt64() == 1,
            Settle,
            "the synchronised rating stored");
        Assert.Equal(10, PlacedInTime(await fleet.Http.GetStringAsync("/metrics")));
    }

    private static async Task<JsonElement> SetClockAsync(DeviceRunner device, string query)
    {
        using var response = await device.Http.PostAsync($"/sim/clock?{query}", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<JsonElement> StatsAsync(FleetRunner fleet, DateTimeOffset from, DateTimeOffset to) =>
        fleet.GetJsonAsync($"/api/v1/stats/ratings?counter=9&from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}");

    private static long PlacedInTime(string metrics) =>
        metrics.Split('\n').Where(line => line.StartsWith("edge_ratings_placed_in_time_total{} ", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))
            .SingleOrDefault(-1);
}
