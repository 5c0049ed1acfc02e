using Edge.Hosting;
using Edge.Wire;

namespace Edge.Device.Configuration;

/// <summary>Who this device is and where it keeps its files (section "Device").</summary>
public sealed class DeviceOptions : ICheckedOptions
{
    public const string Section = "Device";

    /// <summary>Device id: one MQTT topic level, [A-Za-z0-9_-], 1–64 characters.</summary>
    public string Id { get; set; } = "";

    /// <summary>Counter (quầy) this device serves, e.g. "3".</summary>
    public string Counter { get; set; } = "1";

    /// <summary>Folder for the outbox and local state; default ./data/device-{Id}.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>Run on simulated hardware (set by the --simulate flag).</summary>
    public bool Simulate { get; set; }

    public string ResolvedDataDir => string.IsNullOrWhiteSpace(DataDir) ? Path.Combine("data", $"device-{Id}") : DataDir;

    public IEnumerable<string> Validate()
    {
        if (!DeviceId.IsValid(Id))
        {
            yield return $"{Section}:Id must be 1-{DeviceId.MaxLength} characters of A-Z a-z 0-9 - _ (got '{Id}')";
        }

        if (string.IsNullOrWhiteSpace(Counter) || Counter.Length > 32)
        {
            yield return $"{Section}:Counter must be 1-32 characters (got '{Counter}')";
        }

        if (OptionChecks.UnwritableFolder(ResolvedDataDir) is { } why)
        {
            yield return $"{Section}:DataDir '{ResolvedDataDir}' is not a writable folder ({why})";
        }
    }
}
