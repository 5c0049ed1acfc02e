using System.Device.Gpio;
using Edge.Device.Configuration;
using Edge.Device.Drivers.Hd44780;
using Edge.Device.Drivers.Max7219;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Drivers.Tm1637;
using Edge.Device.Peripherals;
using Microsoft.Extensions.Options;

namespace Edge.Device.Display;

/// <summary>
/// The counter's display: opens the configured chip (on simulated buses with --simulate, where a virtual decoder
/// reads back what the chip shows from the bus traffic), shows the counter's current number, a test pattern, the
/// brightness. A missing display is logged and reported ("display" → "missing"); the device keeps running.
/// </summary>
public sealed class CounterDisplay(
    IOptions<DeviceOptions> device,
    IOptions<DisplayOptions> options,
    IServiceProvider services,
    PeripheralEventRecorder peripherals,
    ILogger<CounterDisplay> logger) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private ICounterScreen? _screen;
    private Func<string>? _readBack;
    private IDisposable? _virtual;

    /// <summary>What the display shows now, read back from the simulated bus; null on real hardware or none.</summary>
    public string? ReadBack() => _readBack?.Invoke();

    public string Kind => options.Value.EffectiveKind(device.Value.Simulate);

    public string Current { get; private set; } = "";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Kind == "none")
        {
            return;
        }

        try
        {
            _screen = device.Value.Simulate ? OpenSimulated() : HardwareScreens.Open(options.Value, Kind, services.GetRequiredService<GpioController>());
            _screen.SetBrightness(options.Value.BrightnessPercent);
            Show("----");
            await peripherals.RecordAsync("display", "ok", Kind);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException or ArgumentException or DllNotFoundException)
        {
            logger.LogError("Display {Kind} unusable ({Error}): check the Display section; the device keeps running", Kind, ex.Message);
            _screen = null;
            await peripherals.RecordAsync("display", "missing", ex.Message);
        }
    }

    /// <summary>Releases the chip while the GPIO controller is still alive (the container disposes that first).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _screen?.Dispose();
            _screen = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>Shows a ticket number (or any short text) and the counter.</summary>
    public bool Show(string number)
    {
        lock (_lock)
        {
            if (_screen is null)
            {
                return false;
            }

            _screen.Show(number, device.Value.Counter);
            Current = number;
            return true;
        }
    }

    public bool ShowTestPattern()
    {
        lock (_lock)
        {
            _screen?.ShowTestPattern();
            return _screen is not null;
        }
    }

    public bool SetBrightness(int percent)
    {
        lock (_lock)
        {
            _screen?.SetBrightness(Math.Clamp(percent, 0, 100));
            return _screen is not null;
        }
    }

    public void Dispose()
    {
        _screen?.Dispose();
        _virtual?.Dispose();
    }

    private ICounterScreen OpenSimulated()
    {
        var o = options.Value;
        switch (Kind)
        {
            case "tm1637":
                var driver = services.GetRequiredService<SimulatedGpioDriver>();
                var tm = new VirtualTm1637(driver, o.ClkPin, o.DioPin);
                _virtual = tm;
                _readBack = () => tm.Text(o.Digits);
                return new Tm1637Screen(new Tm1637Display(o.ClkPin, o.DioPin, services.GetRequiredService<GpioController>(), shouldDispose: false, settleTime: TimeSpan.Zero), o.Digits);
            case "max7219":
                var spi = new RecordingSpiDevice();
                var max = new VirtualMax7219(spi);
                _virtual = max;
                _readBack = () => max.Text();
                return new Max7219Screen(new Max7219Display(spi));
            default:
                var i2c = new RecordingI2cDevice(o.I2cAddress, o.I2cBus);
                var lcd = new VirtualLcd(i2c, Kind == "lcd2004" ? 20 : 16, Kind == "lcd2004" ? 4 : 2);
                _virtual = lcd;
                _readBack = () => string.Join("\n", lcd.Lines);
                return new LcdScreen(Kind == "lcd2004" ? BackpackLcd.Lcd2004(i2c) : BackpackLcd.Lcd1602(i2c));
        }
    }
}
