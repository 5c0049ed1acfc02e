using System.Net;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Broker;

/// <summary>Settings of the embedded MQTT broker (section <c>Mqtt</c>).</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>TCP port devices connect to (1-65535).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Address the broker listens on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port of MQTT over TLS, served only when <see cref="Certificate"/> is given.</summary>
    public int TlsPort { get; set; } = 8883;

    /// <summary>PFX (PKCS#12) file with the broker's certificate and private key; see <c>dev-ca</c> in README.md.</summary>
    public string? Certificate { get; set; }

    /// <summary>Password of <see cref="Certificate"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    public bool TlsEnabled => !string.IsNullOrEmpty(Certificate);

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
}

/// <summary>Rejects values the broker could only fail on later, each with a message naming its key.</summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.Port)} must be 1-65535 (got {options.Port})");
        }

        if (options.TlsEnabled && options.KeepPlaintext && !IPAddress.TryParse(options.PlaintextBindAddress, out _))
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.PlaintextBindAddress)} must be an IP address (got '{options.PlaintextBindAddress}')");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.BindAddress)} must be an IP address (got '{options.BindAddress}')");
        }

        if (options.TlsEnabled)
        {
            if (options.TlsPort is < 1 or > 65535 || options.TlsPort == options.Port)
            {
                failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.TlsPort)} must be 1-65535 and differ from {MqttOptions.Section}:{nameof(MqttOptions.Port)} (got {options.TlsPort})");
            }

            try
            {
                using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(options.Certificate!, options.CertificatePassword);
                if (!certificate.HasPrivateKey)
                {
                    failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.Certificate)} '{options.Certificate}' has no private key");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.Certificate)} must be a readable PFX file (got '{options.Certificate}': {ex.Message})");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
