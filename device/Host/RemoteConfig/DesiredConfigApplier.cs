using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.RemoteConfig;

/// <summary>What the host started with: the fleet's configuration loaded from disk, and why it was not, if it was refused.</summary>
public sealed record RemoteConfigAtStart(DesiredConfig? Config, string? Problem);

/// <summary>
/// Applies the fleet's desired configurations one at a time: refuses a malformed, oversized or invalid one whole
/// (naming every key at fault) and keeps the last good one; otherwise writes it to disk, makes it the top configuration
/// layer (live keys take effect at once through <c>IOptionsMonitor</c>, the display's brightness is set now) and lists
/// the keys that wait for a restart. Every outcome is reported, retained, on <c>config/reported</c>.
/// </summary>
public sealed class DesiredConfigApplier(
    IOptions<DeviceOptions> device,
    IConfiguration configuration,
    RemoteConfigLayer layer,
    RemoteConfigFile file,
    RemoteConfigAtStart atStart,
    RemoteConfigReceiver receiver,
    RemoteConfigCounts counters,
    IUplinkPublisher uplink,
    IServiceProvider services,
    ILogger<DesiredConfigApplier> logger) : BackgroundService
{
    private readonly string _deviceId = device.Value.Id;
    private ReportedConfig? _lastReport;

    /// <summary>The latest report (null until a desired configuration arrived).</summary>
    public ReportedConfig? LastReport => _lastReport;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (atStart.Problem is { } problem)
        {
            logger.LogError("The stored remote configuration was not used: {Problem}", problem);
        }

        await foreach (var received in receiver.Inbox.ReadAllAsync(stoppingToken))
        {
            var report = Apply(received);
            _lastReport = report;
            var payload = JsonSerializer.SerializeToUtf8Bytes(report, ConfigJson.Default.ReportedConfig);
            if (!await uplink.TryPublishAsync(Topics.ConfigReported(_deviceId), payload, retain: true, stoppingToken))
            {
                // The retained desired configuration comes again with the next connection, and is reported then.
                logger.LogInformation("Configuration report v{Version} not sent (uplink down)", report.AppliedVersion);
            }
        }
    }

    /// <summary>Judges and, when good, applies one received document; returns what to report.</summary>
    public ReportedConfig Apply(ReceivedConfig received)
    {
        if (received.Oversized)
        {
            counters.OnOversized();
            return Refuse(null, $"payload of {received.Bytes} bytes is over the {ConfigLimits.MaxDesiredBytes}-byte limit");
        }

        DesiredConfig? desired;
        try
        {
            desired = JsonSerializer.Deserialize(received.Payload, ConfigJson.Default.DesiredConfig);
        }
        catch (JsonException ex)
        {
            desired = null;
            logger.LogDebug("Unreadable desired configuration: {Error}", ex.Message);
        }

        if (desired?.Settings is null || desired.Version < 1)
        {
            counters.OnMalformed();
            return Refuse(desired?.Version, "malformed: expected {\"version\": N >= 1, \"settings\": {\"Section:Key\": value, ...}}");
        }

        var current = layer.Current;
        if (current is not null && current.Version == desired.Version && SameSettings(current, desired))
        {
            // Redelivered (the retained message comes with every connection): already in effect, say so again.
            return Report(current, null, null);
        }

        var problems = new DesiredConfigCheck(LocalLayers(), RemoteSectionChecks.All).Problems(desired.Settings);
        if (problems.Count > 0)
        {
            counters.OnInvalid();
            return Refuse(desired.Version, string.Join("; ", problems));
        }

        file.Save(desired);
        layer.Replace(desired);
        counters.OnApplied();
        ApplyLiveEffects();
        var report = Report(desired, null, null);
        logger.LogInformation("Applied remote configuration v{Version} ({Keys} keys){Restart}", desired.Version, desired.Settings.Count,
            report.RestartPending.Count > 0 ? $"; after a restart: {string.Join(", ", report.RestartPending)}" : "");
        return report;
    }

    private ReportedConfig Refuse(long? version, string reason)
    {
        if (reason.Length > ConfigLimits.MaxReasonLength)
        {
            reason = reason[..ConfigLimits.MaxReasonLength];
        }

        logger.LogWarning("Refused remote configuration v{Version} whole, keeping v{Kept}: {Reason}", version, layer.Current?.Version ?? 0, reason);
        return Report(layer.Current, version ?? 0, reason);
    }

    private ReportedConfig Report(DesiredConfig? applied, long? rejectedVersion, string? reason)
    {
        var pending = applied is null ? [] : RestartPending(atStart.Config, applied);
        var state = reason is not null ? ConfigStates.Rejected : pending.Count > 0 ? ConfigStates.RestartRequired : ConfigStates.Applied;
        return new ReportedConfig(applied?.Version ?? 0, state, rejectedVersion, reason, pending, DateTimeOffset.UtcNow);
    }

    /// <summary>Restart-only keys whose value differs from what the host started with.</summary>
    public static IReadOnlyList<string> RestartPending(DesiredConfig? started, DesiredConfig applied)
    {
        var before = started is null ? new Dictionary<string, string?>() : SettingsFlattener.Flatten(started.Settings).Values;
        var after = SettingsFlattener.Flatten(applied.Settings).Values;
        return RemoteSettings.All
            .Where(s => s.Effect == SettingEffect.Restart && !Same(Under(before, s.Key), Under(after, s.Key)))
            .Select(s => s.Key)
            .ToList();
    }

    private static Dictionary<string, string?> Under(IReadOnlyDictionary<string, string?> values, string key) =>
        values.Where(kv => kv.Key.Equals(key, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key.ToUpperInvariant(), kv => kv.Value);

    private static bool Same(Dictionary<string, string?> a, Dictionary<string, string?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameSettings(DesiredConfig a, DesiredConfig b) =>
        Same(Normalized(SettingsFlattener.Flatten(a.Settings).Values), Normalized(SettingsFlattener.Flatten(b.Settings).Values));

    private static Dictionary<string, string?> Normalized(IReadOnlyDictionary<string, string?> values) =>
        values.ToDictionary(kv => kv.Key.ToUpperInvariant(), kv => kv.Value);

    private IReadOnlyList<IConfigurationProvider> LocalLayers() =>
        configuration is IConfigurationRoot root ? root.Providers.Where(p => p is not RemoteConfigLayer).ToList() : [];

    /// <summary>Live keys read through IOptionsMonitor need nothing more; the display's brightness is pushed to the chip.</summary>
    private void ApplyLiveEffects()
    {
        var display = services.GetService<CounterDisplay>();
        var brightness = services.GetRequiredService<IOptionsMonitor<DisplayOptions>>().CurrentValue.BrightnessPercent;
        display?.SetBrightness(brightness);
    }
}
