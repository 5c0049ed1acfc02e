using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Peripherals;

/// <summary>
/// Records a peripheral's change of state (paper out, button stuck, print failed) in <see cref="PeripheralStates"/>
/// and, when it changed, as a "peripheral" event in the outbox, so the fleet sees it even after an outage.
/// </summary>
public sealed class PeripheralEventRecorder(
    IOptions<DeviceOptions> device,
    PeripheralStates states,
    OutboxStore outbox,
    HostClock clock,
    ILogger<PeripheralEventRecorder> logger)
{
    public async Task RecordAsync(string peripheral, string state, string? detail = null, bool always = false)
    {
        if (!states.Set(peripheral, state) && !always)
        {
            return;
        }

        logger.LogInformation("{Peripheral}: {State} {Detail}", peripheral, state, detail);
        try
        {
            await outbox.AppendAsync(clock.Event(EventKinds.Peripheral) with
            {
                Counter = device.Value.Counter,
                Subject = peripheral,
                State = state,
                Detail = detail,
            });
        }
        catch (Exception ex) when (ex is IOException or LiteDB.LiteException or ObjectDisposedException)
        {
            logger.LogError("Could not record {Peripheral} {State}: {Error}", peripheral, state, ex.Message);
        }
    }
}
