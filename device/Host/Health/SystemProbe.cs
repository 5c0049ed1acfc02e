using System.Globalization;

namespace Edge.Device.Health;

/// <summary>Reads the Pi's vital signs from /proc and /sys; null where a figure is not available (a laptop, a container).</summary>
public static class SystemProbe
{
    /// <summary>
    /// The SoC temperature in °C from thermal zone 0. <c>Iot.Device.CpuTemperature</c> reads this same file on Linux
    /// (its other paths are for Windows), so it would add a dependency and a disposable for nothing here.
    /// </summary>
    public static double? CpuTemperatureC() =>
        ReadFirstLine("/sys/class/thermal/thermal_zone0/temp") is { } milli && double.TryParse(milli, CultureInfo.InvariantCulture, out var m)
            ? Math.Round(m / 1000, 1)
            : null;

    public static double? Load1() =>
        ReadFirstLine("/proc/loadavg")?.Split(' ') is [var first, ..] && double.TryParse(first, CultureInfo.InvariantCulture, out var load)
            ? load
            : null;

    public static long? MemAvailableMb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return long.TryParse(kb, out var value) ? value / 1024 : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static long? DiskFreeMb(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace / (1024 * 1024);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
