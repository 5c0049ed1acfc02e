using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Device.Provisioning;
using Edge.Testing;

namespace Edge.Device.Tests.Provisioning;

/// <summary>Which fleet a device agrees to hand its claim code to, decided from the settings before anything is sent.</summary>
public sealed class FleetTrustTests : IDisposable
{
    private static readonly Uri Https = new("https://fleet.example:8443");
    private static readonly Uri Http = new("http://fleet.example:8080");
    private readonly TempFolder _folder = new("fleet-trust");
    private readonly string _caFile;
    private readonly string _fingerprint;

    public FleetTrustTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _caFile = _folder["ca.crt"];
        File.WriteAllText(_caFile, ca.ExportCertificatePem());
        _fingerprint = Convert.ToHexString(ca.GetCertHash(HashAlgorithmName.SHA256));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Plain_http_fleet_is_refused_unless_plaintext_is_allowed()
    {
        Assert.Null(FleetTrust.For(Http, new ProvisioningOptions(), out var problem));
        Assert.Contains("Provisioning:AllowPlaintext=true", problem);

        var allowed = FleetTrust.For(Http, new ProvisioningOptions { AllowPlaintext = true }, out problem);
        Assert.Null(problem);
        Assert.True(allowed!.IsPlaintext);
    }

    [Fact]
    public void Https_fleet_needs_a_pinned_CA_not_the_system_roots()
    {
        Assert.Null(FleetTrust.For(Https, new ProvisioningOptions { AllowPlaintext = true }, out var problem));
        Assert.Contains("Provisioning:CaCertificate or Provisioning:CaFingerprint is needed", problem);
    }

    [Fact]
    public void Pinned_CA_file_and_fingerprint_in_any_usual_spelling_are_accepted()
    {
        Assert.NotNull(FleetTrust.For(Https, new ProvisioningOptions { CaCertificate = _caFile }, out var problem));
        Assert.Null(problem);
        var colons = FleetTrust.Show(_fingerprint).ToLowerInvariant();
        Assert.NotNull(FleetTrust.For(Https, new ProvisioningOptions { CaFingerprint = colons }, out problem));
        Assert.NotNull(FleetTrust.For(Https, new ProvisioningOptions { CaCertificate = _caFile, CaFingerprint = _fingerprint }, out problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("not-hex", "Provisioning:CaFingerprint must be a SHA-256 in hex")]
    [InlineData("AB:CD", "Provisioning:CaFingerprint must be a SHA-256 in hex")]
    public void Malformed_fingerprint_is_a_bad_setting(string fingerprint, string expected)
    {
        Assert.Null(FleetTrust.For(Https, new ProvisioningOptions { CaFingerprint = fingerprint }, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void CA_file_whose_fingerprint_is_not_the_pinned_one_is_a_bad_setting()
    {
        var other = new string('0', 64);
        Assert.Null(FleetTrust.For(Https, new ProvisioningOptions { CaCertificate = _caFile, CaFingerprint = other }, out var problem));
        Assert.Contains($"has the fingerprint {FleetTrust.Show(_fingerprint)}, not Provisioning:CaFingerprint", problem);
    }

    [Fact]
    public void Unreadable_CA_file_is_a_bad_setting()
    {
        Assert.Null(FleetTrust.For(Https, new ProvisioningOptions { CaCertificate = _folder["missing.crt"] }, out var problem));
        Assert.Contains("Provisioning:CaCertificate must be a readable PEM certificate", problem);
    }
}
