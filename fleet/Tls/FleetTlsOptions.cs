using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tls;

/// <summary>
/// The fleet's one certificate (section <c>Tls</c>): when given, the embedded broker serves MQTT over TLS and Kestrel
/// serves HTTPS (REST, dashboard, provisioning) with it, and both plaintext listeners are off unless kept
/// (<c>Mqtt:KeepPlaintext</c>, <c>Http:KeepPlaintext</c>).
/// </summary>
public sealed class FleetTlsOptions : ICheckedOptions
{
    public const string Section = "Tls";

    /// <summary>A PFX (PKCS#12) file with the certificate and its private key, or a PEM certificate with <see cref="CertificateKey"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key of a PEM <see cref="Certificate"/>; empty for a PFX.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>Password of a PFX <see cref="Certificate"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Certificate);

    /// <summary>Nothing to check on the values alone: the certificate is checked as a file, against the clock and the CA (<see cref="FleetCertificateCheck"/>).</summary>
    public IEnumerable<string> Validate() => [];

    /// <summary>Loads the certificate with its private key; throws what the file's problem is.</summary>
    public X509Certificate2 Load() => string.IsNullOrEmpty(CertificateKey)
        ? X509CertificateLoader.LoadPkcs12FromFile(Certificate!, CertificatePassword)
        : LoadPem();

    private X509Certificate2 LoadPem()
    {
        // A certificate made from PEM keeps its key in memory only; Kestrel's TLS on Linux needs it exportable, as from a PFX.
        using var pem = X509Certificate2.CreateFromPemFile(Certificate!, CertificateKey);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>
/// Proves the certificate usable before anything listens: readable, with its private key (a PEM key must be the
/// certificate's), not expired, and signed by <c>Provisioning:CaCertificate</c> when that is given (devices pin that
/// CA and would refuse the fleet). <c>Mqtt:Certificate</c>, its former name, is refused rather than ignored, so that
/// an old command line cannot silently reopen the plaintext listeners.
/// </summary>
public sealed class FleetCertificateCheck(IConfiguration configuration, TimeProvider time)
{
    public IEnumerable<string> Problems(FleetTlsOptions options)
    {
        const string key = FleetTlsOptions.Section + ":" + nameof(FleetTlsOptions.Certificate);
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(configuration["Mqtt:Certificate"]) || !string.IsNullOrEmpty(configuration["Mqtt:CertificatePassword"]))
        {
            failures.Add($"Mqtt:Certificate is now {key} (one certificate for MQTT and HTTPS; its password {FleetTlsOptions.Section}:{nameof(FleetTlsOptions.CertificatePassword)})");
        }

        if (!options.Enabled)
        {
            return failures;
        }

        try
        {
            using var certificate = options.Load();
            if (!certificate.HasPrivateKey)
            {
                failures.Add($"{key} '{options.Certificate}' has no private key");
            }

            if (certificate.NotAfter.ToUniversalTime() < time.GetUtcNow().UtcDateTime)
            {
                failures.Add($"{key} '{options.Certificate}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            }

            var ca = configuration["Provisioning:CaCertificate"];
            if (!string.IsNullOrEmpty(ca) && File.Exists(ca) && !ChainsTo(certificate, ca))
            {
                failures.Add($"{key} '{options.Certificate}' is not signed by Provisioning:CaCertificate '{ca}': devices given that CA would refuse the fleet");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var what = string.IsNullOrEmpty(options.CertificateKey)
                ? "a readable PFX file (or a PEM certificate with Tls:CertificateKey)"
                : "a readable PEM certificate whose private key is Tls:CertificateKey";
            failures.Add($"{key} must be {what} (got '{options.Certificate}': {ex.Message})");
        }

        return failures;
    }

    private static bool ChainsTo(X509Certificate2 certificate, string caPath)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caPath);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

/// <summary>The fleet's certificate, loaded once (after validation) for the broker's TLS listener and Kestrel's HTTPS.</summary>
public sealed class FleetCertificate(IOptions<FleetTlsOptions> options) : IDisposable
{
    private readonly Lazy<X509Certificate2?> _certificate = new(() => options.Value.Enabled ? options.Value.Load() : null);

    /// <summary>The certificate with its private key, or null when TLS is not configured.</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
        {
            _certificate.Value?.Dispose();
        }
    }
}
