using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// Tells the devices of a centre what their LAN needs (<see cref="LanInfo"/> on <c>edge/v1/{device}/lan</c>, retained):
/// the centre key, every active device of the centre with its LAN address, and the fleet's fairness rule. Published to a device when it comes
/// online (its retained status, which carries its <see cref="DeviceStatus.LanAddress"/>), and to every device of the
/// centre when one reports a new address or an administrator rotates the key. Never throws into the router: a store
/// that cannot be reached is logged, and the next status publishes again.
/// </summary>
public sealed class CentreLanPublisher(
    ICentreLanStore store,
    DeviceRegistry registry,
    IDeviceDownlink downlink,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Queue.QueueOptions> queue,
    ILogger<CentreLanPublisher> logger) : IDeviceReportConsumer
{
    private long _published;

    /// <summary>LAN messages published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    public bool Wants(TopicKind kind) => kind == TopicKind.Status;

    public async Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (registry.Find(address.DeviceId) is not { Status: DeviceStates.Active } device || Online(payload) is not { } status)
        {
            return;
        }

        try
        {
            var lanAddress = LanTopics.IsAddress(status.LanAddress) ? status.LanAddress : null;
            if (status.LanAddress is not null && lanAddress is null)
            {
                logger.LogWarning("{Device} reported an unusable LAN address; the centre is not told of it", device.Id);
            }

            var moved = await store.SetAddressAsync(device.Id, lanAddress, time.GetUtcNow().UtcDateTime, cancellationToken);
            await PublishAsync(device.Centre, moved ? null : device.Id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("LAN information for {Device} not published: {Error}", device.Id, ex.Message);
        }
    }

    /// <summary>Publishes the centre's <see cref="LanInfo"/> to <paramref name="onlyDevice"/>, or to every active device of the centre when null.</summary>
    public async Task PublishAsync(string centre, string? onlyDevice, CancellationToken cancellationToken)
    {
        var devices = registry.ActiveDevicesOf(centre);
        var key = await store.KeyOfAsync(centre, time.GetUtcNow().UtcDateTime, cancellationToken);
        var addresses = await store.AddressesAsync(devices.Select(d => d.Id).ToList(), cancellationToken);
        var peers = devices.Where(d => addresses.ContainsKey(d.Id)).Select(d => new LanPeerInfo(d.Id, d.Role, addresses[d.Id])).ToList();
        var info = new LanInfo(key.Version, key.Key, key.Previous, peers)
        {
            PriorityRun = queue.Value.PriorityRun,
            OrdinaryWaitSeconds = queue.Value.OrdinaryWaitSeconds,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(info, WireJson.Default.LanInfo);
        foreach (var device in devices.Where(d => onlyDevice is null || d.Id == onlyDevice))
        {
            await downlink.PublishAsync(LanTopics.Info(device.Id), payload, retain: true, cancellationToken);
            Interlocked.Increment(ref _published);
        }
    }

    private static DeviceStatus? Online(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, WireJson.Default.DeviceStatus) is { Online: true } status ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
