using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Microsoft.Extensions.Options;

namespace Edge.Device.Provisioning;

/// <summary>
/// The fleet's certificate did not chain to the CA the technician pinned (or the fleet's CA did not have the pinned
/// fingerprint): someone may be in the middle, or the pin is wrong. The claim code was not sent; trying again will not help.
/// </summary>
public sealed class FleetNotTrustedException(string message) : Exception(message);

/// <summary>
/// Who the device believes is its fleet, before it hands over a claim code: for an <c>https://</c> fleet the CA the
/// technician gave (<c>Provisioning:CaCertificate</c>) or its SHA-256 (<c>Provisioning:CaFingerprint</c>), never the
/// system's roots; an <c>http://</c> fleet only with <c>Provisioning:AllowPlaintext=true</c>.
/// </summary>
public sealed class FleetTrust
{
    private readonly X509Certificate2? _ca;
    private readonly string? _fingerprint;

    private FleetTrust(Uri fleet, X509Certificate2? ca, string? fingerprint)
    {
        Fleet = fleet;
        _ca = ca;
        _fingerprint = fingerprint;
    }

    public Uri Fleet { get; }

    public bool IsPlaintext => Fleet.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// The trust for <paramref name="fleet"/> from the settings, or a problem naming the key (a bad setting, exit
    /// code 2): an http:// fleet without AllowPlaintext, an https:// fleet without a pin, an unreadable CA file, a
    /// malformed fingerprint, a CA file whose fingerprint is not the pinned one.
    /// </summary>
    public static FleetTrust? For(Uri fleet, ProvisioningOptions options, out string? problem)
    {
        const string section = ProvisioningOptions.Section + ":";
        problem = null;
        if (fleet.Scheme == Uri.UriSchemeHttp)
        {
            if (!options.AllowPlaintext)
            {
                problem = $"{section}FleetUrl is {fleet}: over http:// the claim code and the secret it buys cross the network in clear; "
                    + $"use the fleet's https:// address with {section}CaCertificate or {section}CaFingerprint "
                    + $"({section}AllowPlaintext=true allows http:// for a demo on one machine)";
                return null;
            }

            return new FleetTrust(fleet, null, null);
        }

        if (fleet.Scheme != Uri.UriSchemeHttps)
        {
            problem = $"{section}FleetUrl must be an http(s) address (got '{fleet}')";
            return null;
        }

        string? fingerprint = null;
        if (!string.IsNullOrWhiteSpace(options.CaFingerprint) && (fingerprint = NormalizeFingerprint(options.CaFingerprint)) is null)
        {
            problem = $"{section}CaFingerprint must be a SHA-256 in hex, 64 digits, colons allowed (got '{options.CaFingerprint}')";
            return null;
        }

        X509Certificate2? ca = null;
        if (!string.IsNullOrWhiteSpace(options.CaCertificate))
        {
            try
            {
                ca = UplinkTls.LoadCa(options.CaCertificate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException)
            {
                problem = $"{section}CaCertificate must be a readable PEM certificate (got '{options.CaCertificate}': {ex.Message})";
                return null;
            }

            if (fingerprint is not null && FingerprintOf(ca) != fingerprint)
            {
                problem = $"{section}CaCertificate '{options.CaCertificate}' has the fingerprint {Show(FingerprintOf(ca))}, not {section}CaFingerprint {Show(fingerprint)}";
                ca.Dispose();
                return null;
            }
        }

        if (ca is null && fingerprint is null)
        {
            problem = $"{section}CaCertificate or {section}CaFingerprint is needed with an https:// fleet ({fleet}): "
                + "the device trusts the CA the technician gives it, not the system's roots";
            return null;
        }

        return new FleetTrust(fleet, ca, fingerprint);
    }

    /// <summary>
    /// The CA the fleet's certificate must chain to: the pinned file, or the fleet's own (<c>GET api/v1/provision/ca</c>,
    /// fetched without trusting the connection, then accepted only if its SHA-256 is the pinned one). Null over http://.
    /// </summary>
    public async Task<X509Certificate2?> PinnedCaAsync(CancellationToken cancellationToken)
    {
        if (IsPlaintext || _ca is not null)
        {
            return _ca;
        }

        // Nothing secret goes out on this connection, and what comes back is checked by its hash.
        using var handler = new SocketsHttpHandler();
#pragma warning disable CA5359 // Accepts any certificate on purpose: the CA it hands out is kept only if its hash is the pinned one (below).
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        using var http = new HttpClient(handler) { BaseAddress = Fleet, Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 64 * 1024 };
        using var response = await http.GetAsync("api/v1/provision/ca", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FleetNotTrustedException($"the fleet at {Fleet} did not hand out its CA certificate (HTTP {(int)response.StatusCode}) to check against the pinned fingerprint {Show(_fingerprint!)}");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (CryptographicException ex)
        {
            throw new FleetNotTrustedException($"the fleet at {Fleet} handed out no readable CA certificate ({ex.Message})");
        }

        var match = authorities.FirstOrDefault(c => FingerprintOf(c) == _fingerprint);
        return match ?? throw new FleetNotTrustedException(
            $"the fleet at {Fleet} presents a CA with the fingerprint {(authorities.Count > 0 ? Show(FingerprintOf(authorities[0])) : "(none)")}, not the pinned {Show(_fingerprint!)}");
    }

    /// <summary>Why the last certificate the fleet presented was refused, or null when none was.</summary>
    public string? Refusal { get; private set; }

    /// <summary>A client for the fleet that accepts only a certificate chaining to <paramref name="ca"/> and naming the fleet's host.</summary>
    public HttpClient CreateClient(X509Certificate2? ca, TimeSpan timeout)
    {
        Refusal = null;
        var handler = new SocketsHttpHandler();
        if (ca is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (UplinkTls.IsSignedBy(certificate, errors, ca))
                {
                    return true;
                }

                Refusal = certificate is null
                    ? "it presented no certificate"
                    : $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to the pinned CA "
                        + $"(SHA-256 {Show(FingerprintOf(ca))}) or does not name {Fleet.Host} ({errors})";
                return false;
            };
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Fleet, Timeout = timeout };
    }

    /// <summary>The refusal as the exception callers handle, when the request failed because the certificate check refused the fleet.</summary>
    public FleetNotTrustedException? NotTrusted() =>
        Refusal is { } why
            ? new FleetNotTrustedException($"the fleet at {Fleet} is not trusted: {why}; the claim code was not sent")
            : null;

    /// <summary>Hex SHA-256 of the certificate's DER bytes, upper case, no separators.</summary>
    public static string FingerprintOf(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>The fingerprint as <c>AB:CD:...</c>, the way it is printed and labelled.</summary>
    public static string Show(string fingerprint) => string.Join(':', fingerprint.Chunk(2).Select(c => new string(c)));

    private static string? NormalizeFingerprint(string text)
    {
        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }
}

/// <summary>
/// The CA every later HTTPS call to the fleet trusts (update downloads and reports): the one kept at provisioning
/// (<c>{DataDir}/fleet-ca.crt</c>), else <c>Provisioning:CaCertificate</c>; a device that has neither (credentials
/// given by hand) trusts the system's roots. Read at each TLS handshake, so a CA kept by background provisioning
/// applies from the next connection.
/// </summary>
public sealed class FleetCaTrust(IOptions<DeviceOptions> device, IOptions<ProvisioningOptions> provisioning)
{
    /// <summary>The CA file in force, or null for the system's roots.</summary>
    public string? CaFile()
    {
        var kept = Path.Combine(device.Value.ResolvedDataDir, DeviceIdentity.CaFileName);
        return File.Exists(kept) ? kept : string.IsNullOrWhiteSpace(provisioning.Value.CaCertificate) ? null : provisioning.Value.CaCertificate;
    }

    /// <summary>A handler for the fleet's HTTPS that accepts a certificate chaining to <see cref="CaFile"/> and naming the host.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (CaFile() is not { } file)
            {
                return errors == SslPolicyErrors.None;
            }

            using var ca = UplinkTls.LoadCa(file);
            return UplinkTls.IsSignedBy(certificate, errors, ca);
        };
        return handler;
    }
}
