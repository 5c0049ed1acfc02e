using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// Tells the devices of a centre what their LAN needs (<see cref="LanInfo"/> on <c>edge/v1/{device}/lan</c>, retained):
/// the centre key, every active device of the centre with its LAN address, and the fleet's fairness rule. Published to
/// a device when it comes online (its status carries its <see cref="DeviceStatus.LanAddress"/>), and to every device
/// of the centre when one reports a new address or an administrator rotates the key.
/// Devices come a turn at a time (<see cref="IDeviceOnlineConsumer"/>): their addresses are stored in one write, and each
/// centre's key and addresses are read and its message built once for all its devices of the turn. Per status, in a
/// reconnect storm of 10,000 devices 20 to a centre, this was a quarter of the fleet's CPU (issue 14). Never throws:
/// a store that cannot be reached is logged, and the devices' next statuses publish again.
/// </summary>
public sealed class CentreLanPublisher(
    ICentreLanStore store,
    DeviceRegistry registry,
    IDeviceDownlink downlink,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Queue.QueueOptions> queue,
    ILogger<CentreLanPublisher> logger) : IDeviceOnlineConsumer
{
    private long _published;

    /// <summary>LAN messages published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    public async Task DevicesOnlineAsync(IReadOnlyList<DeviceOnline> devices, CancellationToken cancellationToken)
    {
        var reports = new List<(RegisteredDevice Device, LanAddressReport Report)>();
        foreach (var online in devices)
        {
            if (registry.Find(online.DeviceId) is { Status: DeviceStates.Active } device)
            {
                reports.Add((device, new LanAddressReport(device.Id, UsableAddress(device.Id, online.Status.LanAddress))));
            }
        }

        if (reports.Count == 0)
        {
            return;
        }

        IReadOnlySet<string> moved;
        try
        {
            moved = await store.SetAddressesAsync(reports.Select(r => r.Report).ToList(), time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("LAN addresses of {Count} devices (the first {Device}) not stored, nothing published: {Error}",
                reports.Count, reports[0].Device.Id, ex.Message);
            return;
        }

        foreach (var centre in reports.GroupBy(r => r.Device.Centre, StringComparer.Ordinal))
        {
            try
            {
                var everyone = centre.Any(r => moved.Contains(r.Device.Id));
                await PublishAsync(centre.Key, everyone ? null : centre.Select(r => r.Device.Id).ToHashSet(StringComparer.Ordinal), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("LAN information of centre {Centre} not published to {Count} devices: {Error}", centre.Key, centre.Count(), ex.Message);
            }
        }
    }

    /// <summary>Publishes the centre's <see cref="LanInfo"/> to <paramref name="onlyDevices"/>, or to every active device of the centre when null.</summary>
    public async Task PublishAsync(string centre, IReadOnlySet<string>? onlyDevices, CancellationToken cancellationToken)
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
        foreach (var device in devices.Where(d => onlyDevices is null || onlyDevices.Contains(d.Id)))
        {
            await downlink.PublishAsync(LanTopics.Info(device.Id), payload, retain: true, cancellationToken);
            Interlocked.Increment(ref _published);
        }
    }

    private string? UsableAddress(string deviceId, string? reported)
    {
        if (reported is not null && !LanTopics.IsAddress(reported))
        {
            logger.LogWarning("{Device} reported an unusable LAN address; the centre is not told of it", deviceId);
            return null;
        }

        return reported;
    }
}
