using System.Device.Gpio;
using Edge.Device.Configuration;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Gpio;
using Edge.Device.Peripherals;
using Microsoft.Extensions.Options;

namespace Edge.Device.Counter;

/// <summary>
/// The counter's rating buttons: one debounced <see cref="GpioButton"/> per configured pin, best level first.
/// Missing or unusable GPIO is logged and the rest of the device keeps running (the outbox still drains).
/// </summary>
public sealed class RatingPanel(
    IServiceProvider services,
    IOptions<RatingOptions> options,
    RatingRecorder recorder,
    PeripheralEventRecorder peripherals,
    ILogger<RatingPanel> logger) : IHostedService, IDisposable
{
    private readonly HeldButtons _buttons = new();
    private readonly RatingOptions _options = options.Value;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GpioController gpio;
        try
        {
            gpio = services.GetRequiredService<GpioController>();
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or InvalidOperationException or IOException or DllNotFoundException or UnauthorizedAccessException)
        {
            logger.LogError("No GPIO ({Error}): rating buttons disabled; set Gpio:Driver or run with --simulate", ex.Message);
            return Task.CompletedTask;
        }

        for (var i = 0; i < _options.Pins.Length; i++)
        {
            var index = i;
            var pin = _options.Pins[i];
            try
            {
                var button = new GpioButton(
                    pin,
                    gpio,
                    shouldDispose: false,
                    debounceTime: TimeSpan.FromMilliseconds(_options.DebounceMs),
                    stuckAfter: TimeSpan.FromMilliseconds(_options.StuckAfterMs));
                button.Press += (_, _) => recorder.OnPress(index);
                button.Stuck += (_, _) => OnStuck(index, pin, stuck: true);
                button.Unstuck += (_, _) => OnStuck(index, pin, stuck: false);
                _buttons.Add(button);
                _ = peripherals.RecordAsync($"button:{index + 1}", "ok");
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException or UnauthorizedAccessException)
            {
                logger.LogError("Rating button {Button} on GPIO {Pin} unusable ({Error}); the other buttons still work", index + 1, pin, ex.Message);
            }
        }

        logger.LogInformation("Rating panel: {Count} buttons on GPIO {Pins}", _buttons.Count, string.Join(",", _options.Pins));
        return Task.CompletedTask;
    }

    /// <summary>Releases the buttons while the GPIO controller is still alive (<see cref="HeldButtons"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _buttons.Dispose();

    private void OnStuck(int index, int pin, bool stuck)
    {
        _ = peripherals.RecordAsync($"button:{index + 1}", stuck ? "stuck" : "ok", $"GPIO {pin}");
        if (stuck)
        {
            logger.LogWarning("Rating button {Button} (GPIO {Pin}) is held down: reported as stuck, not counted", index + 1, pin);
        }
        else
        {
            logger.LogInformation("Rating button {Button} (GPIO {Pin}) released", index + 1, pin);
        }
    }
}
