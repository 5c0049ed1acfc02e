using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Device.Configuration;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Edge.Device.Uplink;

/// <summary>
/// The MQTT password the uplink presents: from <c>Uplink:Password</c> (identity.json or explicit) at start, or set
/// later by provisioning (the host's FirstBootProvisioner) once the fleet has issued it.
/// </summary>
public sealed class UplinkCredentials(IOptions<UplinkOptions> options, IEnumerable<BackgroundProvisioning> provisioning)
{
    private readonly TaskCompletionSource _ready = NewReadiness(provisioning.Any());
    private volatile string? _password = options.Value.Password;

    public string? Password => _password;

    /// <summary>Done when there is a secret to connect with: at once, or when background provisioning got one.</summary>
    public Task Ready => _ready.Task;

    public void Set(string password)
    {
        _password = password;
        _ready.TrySetResult();
    }

    private static TaskCompletionSource NewReadiness(bool awaitingProvisioning)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!awaitingProvisioning)
        {
            ready.SetResult();
        }

        return ready;
    }
}

/// <summary>
/// Registered while the device provisions itself in the background (FirstBootProvisioner): the uplink then waits for
/// the secret instead of knocking at the broker without one (each knock a refused, counted connection at the fleet).
/// </summary>
public sealed class BackgroundProvisioning;

/// <summary>
/// TLS of the uplink (<c>Uplink:UseTls</c>): the broker's certificate must chain to <c>Uplink:CaCertificate</c>
/// (a PEM file; the fleet's own CA, trusted for this connection only) or, without one, to the system's roots,
/// and must name the host connected to.
/// </summary>
public static class UplinkTls
{
    public static MqttClientTlsOptions For(UplinkOptions options)
    {
        if (!options.UseTls)
        {
            return new MqttClientTlsOptionsBuilder().UseTls(false).Build();
        }

        var builder = new MqttClientTlsOptionsBuilder().UseTls().WithTargetHost(options.Host);
        if (!string.IsNullOrEmpty(options.CaCertificate))
        {
            var trusted = LoadCa(options.CaCertificate);
            builder.WithCertificateValidationHandler(e => IsSignedBy(e.Certificate, e.SslPolicyErrors, trusted));
        }

        return builder.Build();
    }

    public static X509Certificate2 LoadCa(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates.Count > 0 ? certificates[0] : throw new InvalidOperationException($"{path} holds no PEM certificate");
    }

    /// <summary>Chain built with <paramref name="ca"/> as the only root; host name checked by TLS itself.</summary>
    public static bool IsSignedBy(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
