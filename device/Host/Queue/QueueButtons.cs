using System.Device.Gpio;
using Edge.Device.Configuration;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Gpio;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// The queue's buttons on GPIO, by role: a kiosk's field buttons, a counter's call-next (and optional recall and skip).
/// Like the rating panel, a missing GPIO or an unusable pin is logged and the rest of the device keeps running.
/// </summary>
public sealed class QueueButtons(
    IServiceProvider services,
    IOptions<DeviceRoleOptions> role,
    IOptions<QueueOptions> options,
    QueuePresses presses,
    ILogger<QueueButtons> logger) : IHostedService, IDisposable
{
    private readonly HeldButtons _buttons = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GpioController gpio;
        try
        {
            gpio = services.GetRequiredService<GpioController>();
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or InvalidOperationException or IOException or DllNotFoundException or UnauthorizedAccessException)
        {
            logger.LogError("No GPIO ({Error}): queue buttons disabled", ex.Message);
            return Task.CompletedTask;
        }

        var o = options.Value;
        if (role.Value.IsHall)
        {
            logger.LogInformation("Queue (hall): no queue buttons; the hall display shows the fleet's board");
            return Task.CompletedTask;
        }

        if (role.Value.IsKiosk)
        {
            var issuer = services.GetRequiredService<KioskIssuer>();
            for (var i = 0; i < o.Fields.Count; i++)
            {
                var index = i;
                Add(gpio, o.Fields[i].Pin, $"field '{o.Fields[i].Name}'", () => issuer.OnPress(index));
                Add(gpio, o.Fields[i].PriorityPin, $"priority '{o.Fields[i].Name}'", () => issuer.OnPress(index, priority: true));
            }
        }
        else
        {
            var caller = services.GetRequiredService<CounterCaller>();
            Add(gpio, o.CallNextPin, "call-next", () => caller.OnNext(o.CallNextPin));
            Add(gpio, o.RecallPin, "recall", () => caller.OnRecall(o.RecallPin));
            Add(gpio, o.SkipPin, "skip", () => caller.OnSkip(o.SkipPin));
            foreach (var transfer in o.Transfers)
            {
                Add(gpio, transfer.Pin, $"transfer to {transfer.ToCounter ?? transfer.ToField}", () => caller.OnTransfer(transfer));
            }
        }

        logger.LogInformation("Queue ({Role}): {Count} buttons", role.Value.Role, _buttons.Count);
        return Task.CompletedTask;
    }

    /// <summary>Releases the buttons while the GPIO controller is still alive (<see cref="HeldButtons"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _buttons.Dispose();

    private void Add(GpioController gpio, int pin, string name, Action onPress)
    {
        if (pin < 0)
        {
            return;
        }

        try
        {
            var o = options.Value;
            var button = new GpioButton(pin, gpio, shouldDispose: false,
                debounceTime: TimeSpan.FromMilliseconds(o.DebounceMs), stuckAfter: TimeSpan.FromMilliseconds(o.StuckAfterMs));
            button.Press += (_, _) => onPress();
            button.Stuck += (_, _) => logger.LogWarning("Queue button {Name} (GPIO {Pin}) is held down: not counted", name, pin);
            presses.Watch(pin);
            _buttons.Add(button);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            logger.LogError("Queue button {Name} on GPIO {Pin} unusable ({Error})", name, pin, ex.Message);
        }
    }
}
