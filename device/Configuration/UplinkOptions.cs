using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>How the device reaches the fleet's MQTT broker (section "Uplink").</summary>
public sealed class UplinkOptions : ICheckedOptions
{
    public const string Section = "Uplink";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>MQTT user name; defaults to the device id.</summary>
    public string? Username { get; set; }

    /// <summary>MQTT password (the device secret issued at provisioning).</summary>
    public string? Password { get; set; }

    /// <summary>MQTT over TLS; <see cref="Port"/> is then the broker's TLS port.</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA the broker's certificate must chain to (the fleet's own CA); the system's roots when empty.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>Most events in one published batch.</summary>
    public int BatchMaxEvents { get; set; } = 1000;

    /// <summary>Most events sent but not yet acknowledged by the fleet before the device waits for an ack.</summary>
    public int MaxUnackedEvents { get; set; } = 5000;

    /// <summary>How long to wait for the fleet's ack before sending the unacknowledged events again.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline for one publish to be answered by the broker (PUBACK).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First reconnect delay cap; doubles per failed attempt up to <see cref="ReconnectMax"/> (full jitter).</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{Section}:Host must not be empty";
        }

        if (!OptionChecks.IsPort(Port))
        {
            yield return OptionChecks.PortError($"{Section}:Port", Port);
        }

        if (UseTls && !string.IsNullOrEmpty(CaCertificate) && !File.Exists(CaCertificate))
        {
            yield return $"{Section}:CaCertificate must name an existing PEM file (got '{CaCertificate}')";
        }

        if (BatchMaxEvents is < 1 or > Wire.WireLimits.MaxEventsPerBatch)
        {
            yield return $"{Section}:BatchMaxEvents must be 1-{Wire.WireLimits.MaxEventsPerBatch} (got {BatchMaxEvents})";
        }

        if (MaxUnackedEvents < BatchMaxEvents)
        {
            yield return $"{Section}:MaxUnackedEvents must be at least {Section}:BatchMaxEvents (got {MaxUnackedEvents})";
        }

        if (ReconnectMin <= TimeSpan.Zero || ReconnectMax < ReconnectMin)
        {
            yield return $"{Section}:ReconnectMin must be positive and not above {Section}:ReconnectMax";
        }

        if (AckTimeout <= TimeSpan.Zero || PublishTimeout <= TimeSpan.Zero || KeepAlive < TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:AckTimeout, {Section}:PublishTimeout must be positive and {Section}:KeepAlive at least 1 s";
        }
    }
}
