using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using Edge.Device.Drivers.Hd44780;
using Edge.Device.Drivers.Max7219;
using Edge.Device.Drivers.Tm1637;

namespace Edge.Device.Display;

/// <summary>A TM1637 4- or 6-digit display: the number, right-aligned.</summary>
internal sealed class Tm1637Screen(Tm1637Display chip, int digits) : ICounterScreen
{
    public void Show(string number, string counter) => chip.Display(number, digits);

    public void ShowTestPattern() => chip.ShowTestPattern();

    public void SetBrightness(int percent) => chip.SetScreen((byte)Math.Round(percent * 7 / 100.0));

    public void Dispose() => chip.Dispose();
}

/// <summary>A MAX7219 8-digit display: the number, right-aligned.</summary>
internal sealed class Max7219Screen(Max7219Display chip) : ICounterScreen
{
    public void Show(string number, string counter) => chip.Write(number);

    public void ShowTestPattern() => chip.ShowTestPattern();

    public void SetBrightness(int percent) => chip.Brightness = (int)Math.Round(percent * 15 / 100.0);

    public void Dispose() => chip.Dispose();
}

/// <summary>An HD44780 LCD: "Số 1023" / "Quầy 3", shown without diacritics (the driver folds them: the LCD's font has none).</summary>
internal sealed class LcdScreen(BackpackLcd lcd) : ICounterScreen
{
    public void Show(string number, string counter) => lcd.ShowLines($"Số {number}", $"Quầy {counter}");

    public void ShowTestPattern() => lcd.ShowTestPattern();

    // A PCF8574 backpack switches the backlight only on or off.
    public void SetBrightness(int percent) => lcd.BacklightOn = percent > 0;

    public void Dispose() => lcd.Dispose();
}

/// <summary>Opens the configured chip on real buses.</summary>
internal static class HardwareScreens
{
    public static ICounterScreen Open(DisplayOptions o, string kind, GpioController gpio) => kind switch
    {
        "tm1637" => new Tm1637Screen(new Tm1637Display(o.ClkPin, o.DioPin, gpio, shouldDispose: false), o.Digits),
        "max7219" => new Max7219Screen(new Max7219Display(SpiDevice.Create(new SpiConnectionSettings(o.SpiBus, o.SpiChipSelect) { ClockFrequency = 1_000_000 }))),
        "lcd2004" => new LcdScreen(BackpackLcd.Lcd2004(I2cDevice.Create(new I2cConnectionSettings(o.I2cBus, o.I2cAddress)))),
        _ => new LcdScreen(BackpackLcd.Lcd1602(I2cDevice.Create(new I2cConnectionSettings(o.I2cBus, o.I2cAddress)))),
    };
}
