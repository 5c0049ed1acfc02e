using Edge.Hosting;

namespace Edge.Fleet.Demo;

/// <summary>
/// The demo (section "Demo"): the fleet starts this many simulated counter devices as real device-host processes
/// on this machine, connected through the real MQTT path, and simulated citizens press their buttons.
/// </summary>
public sealed class DemoOptions : ICheckedOptions
{
    public const string Section = "Demo";

    /// <summary>How many simulated counters to start; 0 (default) = no demo.</summary>
    public int Devices { get; set; }

    /// <summary>The centre the demo counters are enrolled at.</summary>
    public string Centre { get; set; } = "demo-centre";

    /// <summary>Local endpoint port of the first demo device; the others follow.</summary>
    public int FirstLocalPort { get; set; } = 8181;

    /// <summary>Average time between two simulated citizens' ratings, across all demo devices.</summary>
    public int PressIntervalMs { get; set; } = 2000;

    /// <summary>The device host's Edge.Device.dll; found next to the fleet's build in the repository when empty.</summary>
    public string DeviceDll { get; set; } = "";

    public IEnumerable<string> Validate()
    {
        if (Devices < 0)
        {
            yield return $"{Section}:{nameof(Devices)} must be 0 (no demo) or more (got {Devices})";
        }

        // The counters, the kiosk and the hall display each take a port from FirstLocalPort on.
        if (FirstLocalPort < 1 || FirstLocalPort + Math.Max(Devices, 0) + 1 > 65535)
        {
            yield return $"{Section}:{nameof(FirstLocalPort)} must leave room for every demo device's port below 65536 (got {FirstLocalPort})";
        }

        if (PressIntervalMs < 1)
        {
            yield return $"{Section}:{nameof(PressIntervalMs)} must be at least 1 (got {PressIntervalMs})";
        }

        if (Devices > 0 && string.IsNullOrWhiteSpace(Centre))
        {
            yield return $"{Section}:{nameof(Centre)} must not be empty";
        }
    }
}
