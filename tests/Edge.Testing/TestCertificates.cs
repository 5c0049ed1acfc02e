using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Testing;

/// <summary>Development CAs made by the fleet's own <c>dev-ca</c> verb, and clients that trust one of them only.</summary>
public static class TestCertificates
{
    /// <summary>Runs <c>Edge.Fleet.dll dev-ca --out <paramref name="folder"/></c>: ca.crt, server.pfx, server.crt in it.</summary>
    public static async Task<string> DevCaAsync(string folder)
    {
        using var devCa = ChildProcess.StartDll("dev-ca", RepoPaths.FleetDll, ["dev-ca", "--out", folder]);
        var exit = await devCa.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return exit == 0 ? folder : throw new InvalidOperationException($"dev-ca exited with {exit}:\n{devCa.Output}");
    }

    /// <summary>SHA-256 of the PEM certificate's DER bytes, as AB:CD:... (what the dev-ca verb prints).</summary>
    public static string FingerprintOf(string pemFile)
    {
        using var certificate = LoadPem(pemFile);
        return string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A handler that accepts only a server certificate chaining to the CA in <paramref name="caPemFile"/> and naming the host.</summary>
    public static HttpMessageHandler TrustingOnly(string caPemFile)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
        {
            if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                return false;
            }

            using var ca = LoadPem(caPemFile);
            using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(leaf);
        };
        return handler;
    }

    private static X509Certificate2 LoadPem(string pemFile)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(pemFile);
        return certificates[0];
    }
}
