using System.Net;
using Edge.Hosting;

namespace Edge.Fleet.Broker;

/// <summary>Settings of the embedded MQTT broker (section <c>Mqtt</c>).</summary>
public sealed class MqttOptions : ICheckedOptions
{
    public const string Section = "Mqtt";

    /// <summary>TCP port devices connect to (1-65535).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Address the broker listens on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port of MQTT over TLS, served only when the fleet has a certificate (<c>Tls:Certificate</c>).</summary>
    public int TlsPort { get; set; } = 8883;

    /// <summary>
    /// True when the embedded broker serves TLS: set from <c>Tls:Certificate</c> (fleet/Tls), the one certificate of
    /// the fleet, not bound from this section; false with an external broker, whose TLS is its own.
    /// </summary>
    public bool TlsEnabled { get; internal set; }

    /// <summary>
    /// With TLS configured, whether the plaintext listener stays open too (off by default: devices would send their
    /// secrets in clear). When kept, it listens on <see cref="PlaintextBindAddress"/>. Without TLS it is the only
    /// listener and this is ignored.
    /// </summary>
    public bool KeepPlaintext { get; set; }

    /// <summary>Where a kept plaintext listener listens beside TLS: this machine only unless said otherwise.</summary>
    public string PlaintextBindAddress { get; set; } = "127.0.0.1";

    /// <summary>True when the plaintext listener is open: always without TLS, with TLS only when kept.</summary>
    public bool PlaintextEnabled => !TlsEnabled || KeepPlaintext;

    /// <summary>Address of the plaintext listener.</summary>
    public string PlaintextAddress => TlsEnabled ? PlaintextBindAddress : BindAddress;

    /// <summary>Rejects values the broker could only fail on later, each with a message naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        if (Port is < 1 or > 65535)
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.Port)} must be 1-65535 (got {Port})");
        }

        if (TlsEnabled && KeepPlaintext && !IPAddress.TryParse(PlaintextBindAddress, out _))
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.PlaintextBindAddress)} must be an IP address (got '{PlaintextBindAddress}')");
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.BindAddress)} must be an IP address (got '{BindAddress}')");
        }

        if (TlsEnabled)
        {
            if (TlsPort is < 1 or > 65535 || TlsPort == Port)
            {
                failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.TlsPort)} must be 1-65535 and differ from {MqttOptions.Section}:{nameof(MqttOptions.Port)} (got {TlsPort})");
            }
        }

        return failures;
    }
}
