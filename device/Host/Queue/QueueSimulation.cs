using System.Diagnostics;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Local;

namespace Edge.Device.Queue;

/// <summary>
/// Presses of queue buttons for /sim/press?pin=P: real edges on the simulated GpioDriver, through the button's
/// debounce and the kiosk or counter loop; answers once each press has had its effect (ticket stored and printed,
/// call answered and recorded, or given up).
/// </summary>
public static class QueueSimulation
{
    public static async Task<LocalAnswer> PressAsync(int pin, int times, int bounce, SimulatedGpioDriver driver, QueuePresses presses, CancellationToken cancellationToken)
    {
        if (times is < 1 or > 10_000)
        {
            return LocalAnswer.Json(new LocalError("count must be 1-10000"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
        }

        var before = presses.Handled(pin);
        var settle = presses.Settle;
        for (var i = 0; i < times; i++)
        {
            await driver.PressAsync(pin, settle, bounce, cancellationToken);
            await Task.Delay(settle, cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (presses.Handled(pin) - before < times && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5, cancellationToken);
        }

        var handled = presses.Handled(pin) - before;
        var result = new SimPressResult(0, 0, times, handled, 0);
        return LocalAnswer.Json(result, LocalJson.Default.SimPressResult, handled >= times ? LocalStatus.Ok : LocalStatus.GatewayTimeout);
    }
}
