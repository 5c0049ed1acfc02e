using Edge.Hosting;

namespace Edge.Device.Gpio;

/// <summary>Which GPIO driver to use on real hardware (section "Gpio"). Ignored with --simulate.</summary>
public sealed class GpioOptions : ICheckedOptions
{
    public const string Section = "Gpio";

    /// <summary>
    /// "auto" (System.Device.Gpio picks), "libgpiod" (v1, libgpiod.so.2), "libgpiod2" (libgpiod.so.3, Debian 13),
    /// "rpi3" (/dev/gpiomem registers). Automatic selection can fail on Debian 13: name the driver there.
    /// </summary>
    public string Driver { get; set; } = "auto";

    /// <summary>GPIO chip number for the libgpiod drivers.</summary>
    public int Chip { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Driver is not ("auto" or "libgpiod" or "libgpiod2" or "rpi3"))
        {
            yield return $"{Section}:Driver must be auto, libgpiod, libgpiod2 or rpi3 (got '{Driver}')";
        }
    }
}
