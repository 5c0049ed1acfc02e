using Edge.Device.Configuration;
using Edge.Device.Local;
using Edge.Device.Peripherals;
using Edge.Device.Provisioning;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Microsoft.Extensions.Options;

namespace Edge.Device.Status;

public static class StatusEndpoint
{
    /// <summary>GET /status: device id, uplink, outbox depth and age, last acked seq, peripheral states, how it was provisioned.</summary>
    public static LocalRoutes MapStatus(this LocalRoutes routes)
    {
        routes.MapGet("/status", r =>
        {
            var (device, outbox, uplink) = (r.Service<IOptions<DeviceOptions>>(), r.Service<OutboxStore>(), r.Service<UplinkState>());
            var o = outbox.Snapshot();
            return LocalAnswer.Json(new DeviceStatusView(
                device.Value.Id,
                device.Value.Counter,
                device.Value.Simulate,
                uplink.Connected,
                uplink.LastError,
                o.Depth,
                o.Bytes,
                o.FileBytes,
                o.OldestUnackedAgeS,
                o.LastAckedSeq,
                o.NextSeq,
                o.DroppedEvents,
                o.DrainRatePerS,
                uplink.Connects,
                uplink.BatchesSent,
                uplink.Resends,
                r.Service<PeripheralStates>().Snapshot(),
                outbox.Faults.Snapshot(),
                o.AwaitingFleetSeq,
                o.Available,
                r.Service<ProvisioningState>().View),
                StatusJson.Default.DeviceStatusView);
        });
        return routes;
    }
}
