using Edge.Device.Configuration;
using Edge.Device.Peripherals;
using Edge.Device.Provisioning;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Microsoft.Extensions.Options;

namespace Edge.Device.Status;

public static class StatusEndpoint
{
    /// <summary>GET /status: device id, uplink, outbox depth and age, last acked seq, peripheral states, how it was provisioned.</summary>
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", (IOptions<DeviceOptions> device, OutboxStore outbox, UplinkState uplink, PeripheralStates peripherals, ProvisioningState provisioning) =>
        {
            var o = outbox.Snapshot();
            return Results.Json(new DeviceStatusView(
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
                peripherals.Snapshot(),
                outbox.Faults.Snapshot(),
                o.AwaitingFleetSeq,
                o.Available,
                provisioning.View),
                StatusJson.Default.DeviceStatusView);
        });
        return app;
    }
}
