using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Demo;

/// <summary>
/// Demo devices are admitted the way a technician admits a Pi: an enrolment for their centre and counter, and the
/// claim code handed to the device at its first boot (<c>--Provisioning:ClaimCode</c>), which redeems it over the
/// fleet's HTTP API for its own secret and its role (counter, kiosk, hall), which it applies at first boot. A device
/// that already has its identity.json from an earlier run needs nothing, unless this fleet does not know it as an
/// active device (its data folder was deleted): that identity is set aside and the device enrolled anew. With <c>Security:DeviceAuth=open</c> nobody
/// needs credentials and nobody is enrolled: the role is then given explicitly.
/// </summary>
public sealed class ClaimCodeDemoEnrolment(
    ClaimCodeIssuer issuer,
    DeviceRegistry registry,
    IOptions<DeviceAuthOptions> security,
    IOptions<DemoOptions> demo,
    IOptions<ProvisioningOptions> provisioning,
    ILogger<ClaimCodeDemoEnrolment> logger) : IDemoEnrolment
{
    public const string EnrolledBy = "demo";

    public IReadOnlyList<string> ArgumentsFor(string deviceId, string counter, string role, string dataDir, Uri fleetUrl)
    {
        if (!security.Value.DevicesMustAuthenticate)
        {
            return [$"--Device:Role={role}"];
        }

        var identity = Path.Combine(dataDir, "identity.json");
        if (File.Exists(identity))
        {
            if (registry.Find(deviceId) is { Status: DeviceStates.Active })
            {
                return [];
            }

            // This fleet does not know the identity (its data folder was reset, or the device retired): set it aside
            // and enrol the device anew, instead of a demo device refused at every connection.
            var aside = $"{identity}.unknown-{DateTime.UtcNow:yyyyMMddHHmmss}";
            File.Move(identity, aside);
            logger.LogInformation("Demo: {Device}'s identity is not registered at this fleet; enrolling it anew (old identity kept as {Path})", deviceId, aside);
        }

        var request = new EnrolmentRequest(demo.Value.Centre, counter, role, deviceId);
        if (issuer.Check(request) is { } problem)
        {
            logger.LogError("Demo: cannot enrol {Device}: {Problem}", deviceId, problem);
            return [];
        }

        var enrolment = issuer.Create(request, EnrolledBy);
        return [$"--Provisioning:ClaimCode={enrolment.Code}", $"--Provisioning:FleetUrl={fleetUrl}", .. TrustArguments(fleetUrl)];
    }

    /// <summary>
    /// Over HTTPS the demo devices pin the CA the fleet hands out, as a technician's Pi would; over plain HTTP (the
    /// main command, on this machine only) they must be told that plaintext is allowed.
    /// </summary>
    private IEnumerable<string> TrustArguments(Uri fleetUrl)
    {
        if (fleetUrl.Scheme != Uri.UriSchemeHttps)
        {
            return ["--Provisioning:AllowPlaintext=true"];
        }

        if (provisioning.Value.CaCertificate is { Length: > 0 } ca)
        {
            return [$"--Provisioning:CaCertificate={Path.GetFullPath(ca)}"];
        }

        logger.LogError("Demo: the fleet serves HTTPS but has no Provisioning:CaCertificate for the demo devices to pin; they will refuse to provision");
        return [];
    }
}
