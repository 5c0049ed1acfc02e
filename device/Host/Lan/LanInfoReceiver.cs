using System.Buffers;
using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>
/// Takes the fleet's <see cref="LanInfo"/> (<c>edge/v1/{device}/lan</c>, retained): the centre key goes to
/// <see cref="CentreKeys"/>, the centre's devices with their LAN addresses to <see cref="LanPeers"/> (kept on disk for
/// the next outage), the fleet's fairness rule to <see cref="CentreQueueRules"/>. An unreadable message is logged and counted, and changes nothing.
/// </summary>
public sealed class LanInfoReceiver(CentreKeys keys, LanPeers peers, CentreQueueRules rules, LanCounts counts, IOptions<DeviceOptions> device, ILogger<LanInfoReceiver> logger) : IDownlinkHandler
{
    private const int MaxBytes = 256 * 1024;

    public string Filter(string deviceId) => LanTopics.Info(deviceId);

    public bool Accepts(string topic, string deviceId) => LanTopics.IsInfo(topic, deviceId);

    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return Task.CompletedTask;
        }

        LanInfo? info = null;
        if (payload.Length <= MaxBytes)
        {
            try
            {
                var reader = new Utf8JsonReader(payload);
                info = JsonSerializer.Deserialize(ref reader, WireJson.Default.LanInfo);
            }
            catch (JsonException ex)
            {
                logger.LogDebug("Unreadable LAN information: {Error}", ex.Message);
            }
        }

        if (info is not { CentreKey.Length: > 0, Peers: not null })
        {
            counts.OnBadLanInfo();
            logger.LogWarning("Refused the fleet's LAN information ({Bytes} bytes): unreadable", payload.Length);
            return Task.CompletedTask;
        }

        keys.FromFleet(info.KeyVersion, info.CentreKey, info.PreviousKey);
        var list = info.Peers
            .Where(p => p.Id != device.Value.Id && DeviceId.IsValid(p.Id) && LanTopics.IsAddress(p.Address))
            .Select(p => new LanPeerOptions { Id = p.Id, Role = p.Role, Address = p.Address })
            .ToList();
        peers.FromFleet(list);
        rules.FromFleet(info.PriorityRun, info.OrdinaryWaitSeconds);
        counts.OnLanInfo();
        logger.LogInformation("LAN information from the fleet: key version {Version}, {Peers} peers", info.KeyVersion, list.Count);
        return Task.CompletedTask;
    }
}
