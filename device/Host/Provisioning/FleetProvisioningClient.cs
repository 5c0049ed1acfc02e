using System.Net.Http.Json;
using Edge.Wire;

namespace Edge.Device.Provisioning;

/// <summary>The fleet refused the claim code (used, expired, unknown...): trying again will not help.</summary>
public sealed class ClaimCodeRefusedException(int status, string message, string reason) : Exception(message)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;
}

/// <summary>Redeems a claim code at the fleet (<c>POST {fleet}/api/v1/provision</c>).</summary>
public static class FleetProvisioningClient
{
    /// <summary>
    /// The device's new credentials. Throws <see cref="ClaimCodeRefusedException"/> when the fleet refuses the code
    /// (a 4xx but 429), and <see cref="HttpRequestException"/> or a timeout when the fleet could not be asked.
    /// </summary>
    public static async Task<ProvisionResponse> RedeemAsync(Uri fleet, string code, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = fleet, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/v1/provision", new ProvisionRequest(code), ProvisioningJson.Default.ProvisionRequest, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync(ProvisioningJson.Default.ProvisionResponse, cancellationToken)
                ?? throw new HttpRequestException("the fleet answered with an empty body");
        }

        var error = await ReadErrorAsync(response, cancellationToken);
        if (status is >= 400 and < 500 && status != 429)
        {
            throw new ClaimCodeRefusedException(status, error?.Error ?? $"the fleet refused the code ({status})", error?.Reason ?? "refused");
        }

        throw new HttpRequestException($"the fleet answered {status} {error?.Error}");
    }

    /// <summary>Redeems the code and writes what the fleet issued to <paramref name="dataDir"/>; returns it and the file's path.</summary>
    public static async Task<(DeviceIdentity Identity, string Path)> RedeemAndStoreAsync(Uri fleet, string code, string dataDir, CancellationToken cancellationToken)
    {
        var response = await RedeemAsync(fleet, code, cancellationToken);
        var identity = DeviceIdentity.From(response, fleet, DateTimeOffset.UtcNow);
        return (identity, IdentityFile.Write(dataDir, identity, response.CaCertificate));
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
