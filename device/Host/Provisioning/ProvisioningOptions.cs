using Edge.Hosting;

namespace Edge.Device.Provisioning;

/// <summary>Unattended first boot (section "Provisioning"): provision with this claim code when there is no identity yet.</summary>
public sealed class ProvisioningOptions : ICheckedOptions
{
    public const string Section = "Provisioning";

    /// <summary>Claim code from the technician (e.g. ABCD-EFGH); used once, ignored once identity.json exists.</summary>
    public string? ClaimCode { get; set; }

    /// <summary>The fleet's address, e.g. https://fleet.local:8443 (http:// only with <see cref="AllowPlaintext"/>).</summary>
    public string? FleetUrl { get; set; }

    /// <summary>
    /// PEM file of the CA the fleet's HTTPS certificate must chain to, given by the technician: the device trusts it,
    /// not the system's roots, for provisioning (and keeps it for later HTTPS calls to the fleet).
    /// </summary>
    public string? CaCertificate { get; set; }

    /// <summary>
    /// SHA-256 of that CA certificate (hex, colons and case ignored, as <c>openssl x509 -fingerprint -sha256</c> and the
    /// fleet's <c>dev-ca</c> print it): short enough for a claim code's label or QR text. The device fetches the CA from
    /// the fleet, checks this hash, and only then sends its claim code.
    /// </summary>
    public string? CaFingerprint { get; set; }

    /// <summary>
    /// Lets a claim code go to an http:// fleet (a demo or a test on one machine): the code and the secret it buys then
    /// cross the network in clear. Off by default.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>
    /// Folders searched for an <c>edge-claim.txt</c> (code, fleet, CA fingerprint) when the device has no identity and
    /// no <see cref="ClaimCode"/>; a last segment <c>*</c> means every folder in it (USB sticks mounted under /media).
    /// Null: <see cref="DefaultClaimFileFolders"/>. An empty entry (<c>--Provisioning:ClaimFileFolders:0=</c>) searches none.
    /// </summary>
    public string[]? ClaimFileFolders { get; set; }

    /// <summary>The Pi's boot partition (Bookworm and later, then older) and USB sticks as the desktop or udisks mount them.</summary>
    public static readonly string[] DefaultClaimFileFolders = ["/boot/firmware", "/boot", "/media/*", "/media/*/*"];

    /// <summary>The folders in force: <see cref="ClaimFileFolders"/>, else the defaults.</summary>
    public IReadOnlyList<string> ClaimFileFoldersInForce =>
        ClaimFileFolders is null ? DefaultClaimFileFolders : ClaimFileFolders.Where(f => !string.IsNullOrWhiteSpace(f)).ToArray();

    /// <summary>
    /// The problems of unattended provisioning's settings: none without a claim code (nothing to provision with). Not
    /// checked at every start like the other sections (a claim code is ignored once the device has its identity): the
    /// provisioning step checks them, when it will use them, before the host is built (AddProvisioningAsync).
    /// </summary>
    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(ClaimCode) && !Uri.TryCreate(FleetUrl, UriKind.Absolute, out _))
        {
            yield return $"{Section}:FleetUrl must be the fleet's https address when {Section}:ClaimCode is given (got '{FleetUrl}')";
        }
    }
}
