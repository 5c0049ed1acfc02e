using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Fleet.Tls;

/// <summary>
/// <c>dev-ca --out DIR [--hosts name1,name2]</c>: a development certificate authority and a server certificate it
/// signs, for HTTPS and MQTT over TLS on a laptop or a test bench. Writes <c>ca.crt</c> (the fleet hands it to
/// devices as <c>Provisioning:CaCertificate</c>; technicians pin it, or its SHA-256 fingerprint, printed here),
/// <c>server.pfx</c> (the fleet's <c>Tls:Certificate</c>, no password) and <c>server.crt</c>. The CA's private key
/// is not kept: to add a host name, run it again and redistribute ca.crt.
/// Not for production: a real deployment uses the province's PKI or a public CA.
/// </summary>
public static class DevCertificateAuthority
{
    public static int Run(IConfiguration arguments, TextWriter output)
    {
        var folder = arguments["out"] ?? Path.Combine("data", "ca");
        var hosts = (arguments["hosts"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(["localhost", Environment.MachineName])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        Directory.CreateDirectory(folder);

        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Edge development CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now, now.AddYears(5));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={hosts[0]}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            names.AddDnsName(host);
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var host in hosts.Where(h => IPAddress.TryParse(h, out _)))
        {
            names.AddIpAddress(IPAddress.Parse(host));
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = serverRequest.Create(ca, now, now.AddYears(2), serial);
        using var server = signed.CopyWithPrivateKey(serverKey);

        File.WriteAllText(Path.Combine(folder, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "server.crt"), server.ExportCertificatePem());
        var pfx = Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(pfx, server.Export(X509ContentType.Pfx));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var caFile = Path.GetFullPath(Path.Combine(folder, "ca.crt"));
        output.WriteLine($"Development CA and server certificate for {string.Join(", ", hosts)}, 127.0.0.1, ::1 written to {Path.GetFullPath(folder)}:");
        output.WriteLine($"  fleet:   --urls https://0.0.0.0:8443 --Tls:Certificate={Path.GetFullPath(pfx)} [--Mqtt:TlsPort=8883] --Provisioning:CaCertificate={caFile}");
        output.WriteLine($"  devices: --Provisioning:FleetUrl=https://{hosts[0]}:8443 --Provisioning:CaCertificate={caFile}");
        output.WriteLine($"           or --Provisioning:CaFingerprint={CaFingerprint.Of(ca)}");
        return 0;
    }
}

/// <summary>The SHA-256 of a certificate's DER bytes, as <c>openssl x509 -fingerprint -sha256</c> prints it (AB:CD:...).</summary>
public static class CaFingerprint
{
    public static string Of(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
