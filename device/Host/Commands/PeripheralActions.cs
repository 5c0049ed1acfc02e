using System.Device.Gpio;
using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Drivers.EscPos;
using Edge.Device.Printing;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Commands;

/// <summary>Prints a test ticket on the configured printer.</summary>
public sealed class TestPrintAction(TicketPrinter printer) : ICommandAction
{
    public string Kind => CommandKinds.TestPrint;

    public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await printer.PrintAsync(printer.TestTicket(), cancellationToken);
            return new CommandDone("test ticket printed");
        }
        catch (PrinterException ex)
        {
            throw new CommandFailedException(ex.Message);
        }
    }
}

/// <summary>Shows the display's test pattern for a moment, then what it showed before.</summary>
public sealed class DisplayTestAction(CounterDisplay display) : ICommandAction
{
    /// <summary>Long enough for a person at the counter (or a camera) to see every segment lit.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);

    public string Kind => CommandKinds.DisplayTest;

    public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        var before = display.Current;
        if (!display.ShowTestPattern())
        {
            throw new CommandFailedException("no display configured or it could not be opened");
        }

        var shown = display.ReadBack();
        try
        {
            await Task.Delay(Hold, cancellationToken);
        }
        finally
        {
            display.Show(before);
        }

        return new CommandDone(shown is null ? $"test pattern shown on {display.Kind}" : $"test pattern shown on {display.Kind}: '{shown}'");
    }
}

/// <summary>Blinks every button LED and flashes the display, so a technician can find this unit among many.</summary>
public sealed class IdentifyAction(
    IOptions<RatingOptions> rating,
    CounterDisplay display,
    IServiceProvider services,
    ILogger<IdentifyAction> logger) : ICommandAction
{
    private static readonly BlinkPattern Pattern = new(6, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));

    public string Kind => CommandKinds.Identify;

    public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        var leds = OpenLeds();
        try
        {
            var blinking = leds.Select(led => led.BlinkAsync(Pattern, cancellationToken)).ToList();
            var flashed = await FlashDisplayAsync(cancellationToken);
            await Task.WhenAll(blinking);
            if (leds.Count == 0 && !flashed)
            {
                throw new CommandFailedException("nothing to identify with: no button LEDs (Rating:LedPins) and no display");
            }

            return new CommandDone($"blinked {leds.Count} LEDs, {(flashed ? "flashed the display" : "no display")}");
        }
        finally
        {
            foreach (var led in leds)
            {
                led.Dispose();
            }
        }
    }

    private List<ButtonLed> OpenLeds()
    {
        var pins = rating.Value.LedPins;
        if (pins.Length == 0)
        {
            return [];
        }

        try
        {
            var gpio = services.GetRequiredService<GpioController>();
            return pins.Select(pin => new ButtonLed(pin, gpio, shouldDispose: false)).ToList();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or PlatformNotSupportedException or UnauthorizedAccessException or DllNotFoundException)
        {
            logger.LogWarning("Identify: button LEDs unusable ({Error})", ex.Message);
            return [];
        }
    }

    private async Task<bool> FlashDisplayAsync(CancellationToken cancellationToken)
    {
        var before = display.Current;
        for (var i = 0; i < Pattern.Count; i++)
        {
            if (!display.ShowTestPattern())
            {
                return false;
            }

            await Task.Delay(Pattern.OnTime, cancellationToken);
            display.Show(before);
            await Task.Delay(Pattern.OffTime, cancellationToken);
        }

        return true;
    }
}
