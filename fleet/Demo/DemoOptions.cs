namespace Edge.Fleet.Demo;

/// <summary>
/// The demo (section "Demo"): the fleet starts this many simulated counter devices as real device-host processes
/// on this machine, connected through the real MQTT path, and simulated citizens press their buttons.
/// </summary>
public sealed class DemoOptions
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
}
