using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>The device's local diagnostic and simulation endpoint, on loopback only (section "Local").</summary>
public sealed class LocalOptions : ICheckedOptions
{
    public const string Section = "Local";

    public int Port { get; set; } = 8181;

    public IEnumerable<string> Validate()
    {
        if (!OptionChecks.IsPort(Port))
        {
            yield return OptionChecks.PortError($"{Section}:Port", Port);
        }
    }
}
