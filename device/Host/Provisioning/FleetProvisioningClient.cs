using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Edge.Wire;

namespace Edge.Device.Provisioning;

/// <summary>The fleet refused the claim code (used, expired, unknown...): trying again will not help.</summary>
public sealed class ClaimCodeRefusedException(int status, string message, string reason) : Exception(message)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;
}

/// <summary>
/// Redeems a claim code at the fleet (<c>POST {fleet}/api/v1/provision</c>), over a connection <see cref="FleetTrust"/>
/// accepts: the code never leaves the device before the fleet has proved itself with the pinned CA.
/// </summary>
public static class FleetProvisioningClient
{
    /// <summary>Exit code when the fleet's certificate is not the pinned CA's (the verb and the host's first boot).</summary>
    public const int NotTrustedExitCode = 4;

    /// <summary>
    /// The device's new credentials, and the CA the fleet was checked against (null over http://). Throws
    /// <see cref="ClaimCodeRefusedException"/> when the fleet refuses the code (a 4xx but 429),
    /// <see cref="FleetNotTrustedException"/> when the fleet is not the pinned one, and
    /// <see cref="HttpRequestException"/> or a timeout when the fleet could not be asked.
    /// </summary>
    public static async Task<(ProvisionResponse Response, X509Certificate2? Ca)> RedeemAsync(FleetTrust trust, string code, CancellationToken cancellationToken)
    {
        var ca = await trust.PinnedCaAsync(cancellationToken);
        using var http = trust.CreateClient(ca, TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("api/v1/provision", new ProvisionRequest(code), ProvisioningJson.Default.ProvisionRequest, cancellationToken);
        }
        catch (HttpRequestException) when (trust.NotTrusted() is { } notTrusted)
        {
            throw notTrusted;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var answer = await response.Content.ReadFromJsonAsync(ProvisioningJson.Default.ProvisionResponse, cancellationToken)
                    ?? throw new HttpRequestException("the fleet answered with an empty body");
                return (answer, ca);
            }

            var error = await ReadErrorAsync(response, cancellationToken);
            if (status is >= 400 and < 500 && status != 429)
            {
                throw new ClaimCodeRefusedException(status, error?.Error ?? $"the fleet refused the code ({status})", error?.Reason ?? "refused");
            }

            throw new HttpRequestException($"the fleet answered {status} {error?.Error}");
        }
    }

    /// <summary>
    /// Redeems the code and writes what the fleet issued to <paramref name="dataDir"/>; returns it and the file's path.
    /// The CA kept beside it is the one in the fleet's answer, else the pinned one: later HTTPS calls to the fleet
    /// (update downloads and reports) and MQTT over TLS trust it. The centre's LAN key, when the fleet gave one, is
    /// kept beside it (<see cref="Lan.CentreKeys"/>, 0600).
    /// </summary>
    public static async Task<(DeviceIdentity Identity, string Path)> RedeemAndStoreAsync(FleetTrust trust, string code, string dataDir, CancellationToken cancellationToken)
    {
        var (response, ca) = await RedeemAsync(trust, code, cancellationToken);
        var identity = DeviceIdentity.From(response, trust.Fleet, DateTimeOffset.UtcNow);
        var path = IdentityFile.Write(dataDir, identity, response.CaCertificate ?? ca?.ExportCertificatePem());
        if (response.CentreKey is { Length: > 0 } centreKey)
        {
            Lan.CentreKeys.WriteAtProvisioning(dataDir, response.CentreKeyVersion ?? 1, centreKey);
        }

        return (identity, path);
    }

    private static async Task<ProvisionError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(ProvisioningJson.Default.ProvisionError, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
