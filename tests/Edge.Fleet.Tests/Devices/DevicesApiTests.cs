using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Devices;

/// <summary>Presence and sequence bookkeeping as <c>GET /api/v1/devices</c> shows them.</summary>
public sealed class DevicesApiTests : IDisposable
{
    private readonly TempFolder _data = new("fleet-devices");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Device_lists_its_presence_and_sequence_fields()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-list");
        await device.PublishStatusAsync(online: true, session: "s1");
        await device.PublishEventsAsync(Events.Ratings(1, 4));
        await device.WaitForAckAsync(4);
        await OnlineAsync(fleet, "dev-list", true);

        var listed = (await fleet.DeviceAsync("dev-list"))!.Value;

        Assert.True(listed.GetProperty("online").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lastSeen").ValueKind);
        Assert.Equal(4, listed.GetProperty("upTo").GetInt64());
        Assert.Equal(4, listed.GetProperty("highestSeq").GetInt64());
        Assert.Equal(4, listed.GetProperty("maxSeq").GetInt64());
        Assert.Equal(0, listed.GetProperty("missing").GetInt64());
        Assert.Equal(0, listed.GetProperty("dropped").GetInt64());
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Late_offline_of_an_old_session_does_not_mark_the_new_one_offline()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-flap");

        await device.PublishStatusAsync(online: true, session: "old");
        await device.PublishStatusAsync(online: true, session: "new");
        await device.PublishStatusAsync(online: false, session: "old");
        await device.PublishStatusAsync(online: true, session: "new");
        await OnlineAsync(fleet, "dev-flap", true);

        await device.PublishStatusAsync(online: false, session: "new");
        await OnlineAsync(fleet, "dev-flap", false);
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Device_whose_connection_drops_goes_offline()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        var device = await fleet.ProvisionAndConnectAsync("dev-gone");
        await device.PublishStatusAsync(online: true, session: "s1");
        await OnlineAsync(fleet, "dev-gone", true);

        await device.DisposeAsync();

        await OnlineAsync(fleet, "dev-gone", false);
        fleet.AssertNoErrorsLogged();
    }

    /// <summary>
    /// Waits until the device shows <paramref name="online"/>: the fleet applies a status just after its PUBACK, in
    /// order per device, off the broker's dispatch (fleet/Broker DeviceStatusLanes), not before it.
    /// </summary>
    private static Task OnlineAsync(FleetRunner fleet, string deviceId, bool online) =>
        Eventually.TrueAsync(async () => await IsOnlineAsync(fleet, deviceId) == online, TimeSpan.FromSeconds(10), $"{deviceId} {(online ? "online" : "offline")}");

    private static async Task<bool> IsOnlineAsync(FleetRunner fleet, string deviceId) =>
        (await fleet.DeviceAsync(deviceId))?.GetProperty("online").GetBoolean() ?? false;
}
