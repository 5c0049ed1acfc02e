using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Wire;
using Microsoft.Extensions.Options;
using Edge.Fleet.Store;

namespace Edge.Fleet.Federation.Sending;

/// <summary>Who this fleet is to the upper fleet: the id and secret its claim code gave, and where the broker is.</summary>
public sealed record UpstreamIdentity(string FleetId, string Secret, string MqttHost, int MqttPort, bool MqttTls);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(UpstreamIdentity))]
internal sealed partial class UpstreamIdentityJson : JsonSerializerContext;

/// <summary>
/// Gets this fleet's credentials at the upper fleet: from <c>{Fleet:DataDir}/federation-identity.json</c> (owner-only,
/// written whole or not at all) or, the first time, by redeeming <c>Federation:Upstream:ClaimCode</c> there, exactly
/// as a device provisions. A code is single use: once redeemed only the file holds the secret.
/// </summary>
public sealed class UpstreamClaim(IOptions<FederationOptions> options, IOptions<FleetOptions> fleet, FederationCounts counters, ILogger<UpstreamClaim> logger)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private UpstreamIdentity? _identity;

    public string FilePath => fleet.Value.FileIn("federation-identity.json");

    /// <summary>The identity, or null (logged and counted) when there is none yet and the claim failed this time.</summary>
    public async Task<UpstreamIdentity?> GetAsync(CancellationToken cancellationToken)
    {
        _identity ??= Read();
        if (_identity is null)
        {
            _identity = await ClaimAsync(cancellationToken);
            if (_identity is not null)
            {
                Write(_identity);
            }
        }

        if (_identity is not null && options.Value.SourceName is { } name && name != _identity.FleetId)
        {
            counters.SendFailed("wrong-source-name");
            logger.LogError("Not forwarding: the upper fleet knows this fleet as '{Id}', Federation:SourceName says '{Name}'", _identity.FleetId, name);
            return null;
        }

        return _identity;
    }

    private UpstreamIdentity? Read()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        return JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), UpstreamIdentityJson.Default.UpstreamIdentity)
            ?? throw new InvalidDataException($"{FilePath} holds no identity");
    }

    private async Task<UpstreamIdentity?> ClaimAsync(CancellationToken cancellationToken)
    {
        var upstream = options.Value.Upstream;
        if (string.IsNullOrWhiteSpace(upstream.ClaimCode))
        {
            counters.SendFailed("no-claim-code");
            logger.LogError("Not forwarding: no {File} and no Federation:Upstream:ClaimCode to get one", FilePath);
            return null;
        }

        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(upstream.Url!), Timeout = TimeSpan.FromSeconds(15) };
            using var response = await http.PostAsJsonAsync(
                "/api/v1/provision", new ProvisionRequest(upstream.ClaimCode), ProvisioningJson.Default.ProvisionRequest, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                counters.SendFailed("claim-refused");
                logger.LogError("The upper fleet refused the claim code: {Status} {Body}", (int)response.StatusCode,
                    await response.Content.ReadAsStringAsync(cancellationToken));
                return null;
            }

            var answer = await response.Content.ReadFromJsonAsync(ProvisioningJson.Default.ProvisionResponse, cancellationToken)
                ?? throw new InvalidDataException("empty provisioning answer");
            if (answer.Role != Broker.DeviceRoles.Fleet)
            {
                counters.SendFailed("claim-not-a-fleet");
                logger.LogError("The claim code was enrolled for a {Role}, not a fleet: it was used up, enrol this fleet again with role 'fleet'", answer.Role);
                return null;
            }

            logger.LogInformation("Claimed at the upper fleet as {Id}", answer.DeviceId);
            return new UpstreamIdentity(answer.DeviceId, answer.Secret, answer.MqttHost, answer.MqttPort, answer.MqttTls);
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException or JsonException or InvalidDataException) && !cancellationToken.IsCancellationRequested)
        {
            counters.SendFailed("claim-unreachable");
            logger.LogWarning("Could not redeem the claim code at {Url}: {Error}", upstream.Url, ex.Message);
            return null;
        }
    }

    private void Write(UpstreamIdentity identity)
    {
        var temp = FilePath + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnly;
        }

        using (var file = new FileStream(temp, create))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(identity, UpstreamIdentityJson.Default.UpstreamIdentity));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
    }
}
