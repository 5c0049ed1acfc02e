using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// Publishes each device's desired configuration, retained, on <c>edge/v1/{device}/config</c>: after a change to any
/// layer that applies to it, when it comes online without running the desired version (a device enrolled after its
/// centre's defaults were set, or an embedded broker that lost its retained messages with a restart: many devices at a
/// time, <see cref="DesiredConfigOnlineCheck"/>), and for every known device at start-up.
/// </summary>
public sealed class DesiredConfigPublisher(
    IDesiredConfigStore store,
    DeviceRegistry registry,
    IDeviceDownlink downlink,
    ILogger<DesiredConfigPublisher> logger)
{
    public ConfigTarget TargetOf(string deviceId)
    {
        var device = registry.Find(deviceId);
        return new ConfigTarget(deviceId, device?.Centre is { Length: > 0 } c ? c : null, device?.Role);
    }

    /// <summary>The devices a layer applies to (a device layer: that device, registered or not).</summary>
    public IReadOnlyList<string> DevicesUnder(string layerId)
    {
        var (scope, name) = (layerId[..layerId.IndexOf(':')], layerId[(layerId.IndexOf(':') + 1)..]);
        return scope switch
        {
            "role" => registry.List().Where(d => d.Role == name && d.Status == DeviceStates.Active).Select(d => d.Id).ToList(),
            "centre" => registry.DeviceIdsOf(name),
            _ => [name],
        };
    }

    /// <summary>
    /// Publishes to each of <paramref name="deviceIds"/> (devices that came online) that does not report its desired
    /// version: one read of the layers and one of the reports for them all.
    /// </summary>
    public async Task PublishToBehindAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var desired = await DesiredOfAsync(deviceIds, cancellationToken);
        if (desired.Count == 0)
        {
            return;
        }

        var applied = (await store.FindReportedAsync([.. desired.Select(d => d.DeviceId)], cancellationToken))
            .ToDictionary(r => r.DeviceId, r => r.AppliedVersion, StringComparer.Ordinal);
        foreach (var (deviceId, config) in desired)
        {
            if (!applied.TryGetValue(deviceId, out var version) || version != config.Version)
            {
                await PublishAsync(deviceId, config, cancellationToken);
            }
        }
    }

    /// <summary>Publishes to each of <paramref name="deviceIds"/> that has a desired configuration, with one read of the layers per 1,024 devices.</summary>
    public async Task PublishAsync(IEnumerable<string> deviceIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in deviceIds.Chunk(DeviceOnlineTurns.MaxPerTurn))
        {
            foreach (var (deviceId, config) in await DesiredOfAsync(chunk, cancellationToken))
            {
                await PublishAsync(deviceId, config, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The desired configuration of each of <paramref name="deviceIds"/> that has one, from one read of every layer
    /// that applies to any of them: a read per device made a query each (on LiteDB one parsed and compiled each), 10%
    /// of the fleet's CPU while it published to 10,000 devices at start-up (issue 14).
    /// </summary>
    private async Task<List<(string DeviceId, DesiredConfig Desired)>> DesiredOfAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var targets = deviceIds.Select(TargetOf).ToList();
        var layers = (await store.FindLayersAsync(targets.SelectMany(ConfigLayers.IdsOf).ToHashSet(StringComparer.Ordinal), cancellationToken))
            .ToDictionary(l => l.Id, StringComparer.Ordinal);
        var desired = new List<(string, DesiredConfig)>();
        foreach (var target in targets)
        {
            if (ConfigLayers.Merge([.. ConfigLayers.IdsOf(target).Select(layers.GetValueOrDefault).OfType<ConfigLayer>()]) is { } config)
            {
                desired.Add((target.DeviceId, config));
            }
        }

        return desired;
    }

    private async Task PublishAsync(string deviceId, DesiredConfig desired, CancellationToken cancellationToken)
    {
        try
        {
            await downlink.PublishAsync(Topics.Config(deviceId), JsonSerializer.SerializeToUtf8Bytes(desired, ConfigJson.Default.DesiredConfig), retain: true, cancellationToken);
            logger.LogInformation("Desired configuration v{Version} for {Device} published", desired.Version, deviceId);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Published again when the device next comes online without this version.
            logger.LogWarning("Desired configuration v{Version} for {Device} not published: {Error}", desired.Version, deviceId, ex.Message);
        }
    }
}

/// <summary>At start-up, every registered device's desired configuration and every device layer's, retained again.</summary>
public sealed class DesiredConfigStartupPublisher(IDesiredConfigStore store, DeviceRegistry registry, DesiredConfigPublisher publisher) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the broker start first (hosted services start in order; the embedded broker is registered before us).
        await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        var devices = registry.List().Where(d => d.Status == DeviceStates.Active).Select(d => d.Id)
            .Concat((await store.ListLayersAsync(stoppingToken)).Where(l => l.Id.StartsWith(ConfigLayers.DevicePrefix, StringComparison.Ordinal))
                .Select(l => l.Id[ConfigLayers.DevicePrefix.Length..]))
            .Distinct(StringComparer.Ordinal);
        await publisher.PublishAsync(devices, stoppingToken);
    }
}
