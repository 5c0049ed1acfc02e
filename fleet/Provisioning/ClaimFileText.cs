using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Edge.Fleet.Tls;
using Edge.Wire;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// The <c>edge-claim.txt</c> of an enrolment (<see cref="ClaimFile"/>): its code, the fleet's address and the SHA-256
/// of the CA devices pin (<c>Provisioning:CaCertificate</c>), or <c>allow-plaintext=true</c> for an http:// fleet.
/// The same text is the label's QR content: one scan or one file gives a Pi all it needs to trust and join.
/// </summary>
public static class ClaimFileText
{
    public static string For(EnrolmentView enrolment, Uri fleet, string? caCertificatePath)
    {
        var plaintext = fleet.Scheme == Uri.UriSchemeHttp;
        var fingerprint = !plaintext && caCertificatePath is { Length: > 0 } ? FingerprintOf(caCertificatePath) : null;
        var claim = new ClaimFile(enrolment.Code, fleet, fingerprint, plaintext);
        return claim.Format($"centre {enrolment.Centre}, counter {enrolment.Counter} ({enrolment.Role}"
            + (enrolment.DeviceId is null ? "" : $", device {enrolment.DeviceId}")
            + $"), valid until {enrolment.ExpiresAt.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// The address devices provision at: <c>Provisioning:FleetUrl</c> when set (behind a balancer or a name devices
    /// know), otherwise the scheme and host the technician called.
    /// </summary>
    public static Uri FleetUrlOf(ProvisioningOptions options, HttpRequest request) =>
        Uri.TryCreate(options.FleetUrl, UriKind.Absolute, out var configured)
            ? configured
            : new Uri($"{request.Scheme}://{request.Host.Value}");

    /// <summary>The enrolment with its claim file, as the API answers it.</summary>
    public static EnrolmentView WithClaimFile(EnrolmentView enrolment, ProvisioningOptions options, HttpRequest request) =>
        enrolment with { ClaimFile = For(enrolment, FleetUrlOf(options, request), options.CaCertificate) };

    /// <summary>SHA-256 of the first certificate in the PEM file, as AB:CD:... (what <c>dev-ca</c> prints).</summary>
    public static string FingerprintOf(string pemFile)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(pemFile);
        return certificates.Count > 0 ? CaFingerprint.Of(certificates[0]) : throw new InvalidOperationException($"{pemFile} holds no PEM certificate");
    }
}
