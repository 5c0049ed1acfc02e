using Edge.Fleet.Provisioning;
using Edge.Fleet.Tls;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Configuration;

namespace Edge.Fleet.Tests.Provisioning;

/// <summary>The <c>enrol</c> verb writes the enrolment's <c>edge-claim.txt</c>: the code it printed, the fleet, the CA's fingerprint.</summary>
public sealed class EnrolClaimFileTests : IDisposable
{
    private readonly TempFolder _folder = new("enrol-claim-file");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Enrol_with_a_claim_file_writes_the_printed_code_the_fleet_and_the_CA_fingerprint_into_a_folder()
    {
        Assert.Equal(0, DevCertificateAuthority.Run(Arguments("--out", _folder["ca"]), TextWriter.Null));
        var ca = Path.Combine(_folder["ca"], "ca.crt");
        Directory.CreateDirectory(_folder["stick"]);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = EnrolCommand.Run(Arguments(
            "--centre", "hcc-1", "--counter", "7", "--Fleet:DataDir=" + _folder["fleet"], "--claim-file", _folder["stick"],
            "--fleet-url", "https://fleet.example:8443", "--Provisioning:CaCertificate=" + ca), FleetSchema.Migrations, output, error);

        Assert.Equal(0, exit);
        var path = Path.Combine(_folder["stick"], ClaimFile.FileName);
        var claim = ClaimFile.Parse(File.ReadAllText(path), out var problem);
        Assert.Null(problem);
        Assert.Equal(output.ToString().Trim(), claim!.Code);
        Assert.Equal(new Uri("https://fleet.example:8443"), claim.Fleet);
        Assert.Equal(TestCertificates.FingerprintOf(ca), claim.CaFingerprint);
        Assert.False(claim.AllowPlaintext);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Contains("Claim file written to", error.ToString());
    }

    [Fact]
    public void Enrol_with_a_claim_file_but_no_fleet_address_is_refused_before_a_code_is_issued()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = EnrolCommand.Run(Arguments("--centre", "hcc-1", "--counter", "7", "--Fleet:DataDir=" + _folder["fleet"], "--claim-file", _folder["x.txt"]), FleetSchema.Migrations, output, error);

        Assert.Equal(2, exit);
        Assert.Contains("--fleet-url", error.ToString());
        Assert.Equal("", output.ToString());
    }

    private static IConfiguration Arguments(params string[] args) => new ConfigurationBuilder().AddCommandLine(args).Build();
}
