using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>The device's local diagnostic and simulation endpoint, on loopback only (section "Local").</summary>
public sealed class LocalOptions : ICheckedOptions
{
    public const string Section = "Local";

    public int Port { get; set; } = 8181;

    /// <summary>How long a request's head and body may take to arrive (an idle kept-alive connection is closed after it).</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    public IEnumerable<string> Validate()
    {
        if (!OptionChecks.IsPort(Port))
        {
            yield return OptionChecks.PortError($"{Section}:Port", Port);
        }

        if (RequestTimeoutSeconds is < 1 or > 600)
        {
            yield return $"{Section}:RequestTimeoutSeconds must be 1-600 (got {RequestTimeoutSeconds})";
        }
    }
}
