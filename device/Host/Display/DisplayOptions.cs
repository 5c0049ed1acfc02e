using Edge.Device.Configuration;
using Edge.Hosting;

namespace Edge.Device.Display;

/// <summary>The counter display (section "Display").</summary>
public sealed class DisplayOptions : ICheckedOptions
{
    public const string Section = "Display";

    /// <summary>"none", "tm1637", "max7219", "lcd1602" or "lcd2004"; with --simulate the default is tm1637.</summary>
    public string Kind { get; set; } = "";

    /// <summary>TM1637 CLK and DIO (GPIO numbers).</summary>
    public int ClkPin { get; set; } = 23;

    public int DioPin { get; set; } = 24;

    /// <summary>TM1637 digits: 4 or 6.</summary>
    public int Digits { get; set; } = 4;

    /// <summary>I2C bus and PCF8574 address of the LCD backpack (0x27, some 0x3F).</summary>
    public int I2cBus { get; set; } = 1;

    public int I2cAddress { get; set; } = 0x27;

    /// <summary>SPI bus and chip select of the MAX7219.</summary>
    public int SpiBus { get; set; }

    public int SpiChipSelect { get; set; }

    /// <summary>0..100 %, mapped to each chip's own steps.</summary>
    public int BrightnessPercent { get; set; } = 70;

    public string EffectiveKind(bool simulate) =>
        string.IsNullOrWhiteSpace(Kind) ? (simulate ? "tm1637" : "none") : Kind;

    public IEnumerable<string> Validate()
    {
        if (Kind is not ("" or "none" or "tm1637" or "max7219" or "lcd1602" or "lcd2004"))
        {
            yield return $"{Section}:Kind must be none, tm1637, max7219, lcd1602 or lcd2004 (got '{Kind}')";
        }

        if (ClkPin == DioPin)
        {
            yield return $"{Section}:ClkPin and {Section}:DioPin must differ (both {ClkPin})";
        }

        if (Digits is not (4 or 6))
        {
            yield return $"{Section}:Digits must be 4 or 6 (got {Digits})";
        }

        if (I2cAddress is < 0x03 or > 0x77)
        {
            yield return $"{Section}:I2cAddress must be a 7-bit address 0x03-0x77 (got {I2cAddress})";
        }

        if (BrightnessPercent is < 0 or > 100)
        {
            yield return $"{Section}:BrightnessPercent must be 0-100 (got {BrightnessPercent})";
        }
    }
}
