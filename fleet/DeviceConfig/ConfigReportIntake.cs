using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// Reads devices' configuration reports (<c>config/reported</c>) into <see cref="IDesiredConfigStore"/>. Unreadable or
/// oversized reports are logged and counted. (A device coming online is checked by <see cref="DesiredConfigOnlineCheck"/>.)
/// </summary>
public sealed class ConfigReportIntake(
    IDesiredConfigStore store,
    TimeProvider time,
    ILogger<ConfigReportIntake> logger) : IDeviceReportConsumer
{
    private long _refused;

    /// <summary>Reports refused as unreadable or oversized since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public bool Wants(TopicKind kind) => kind == TopicKind.ConfigReported;

    public async Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return;
        }

        ReportedConfig? report = null;
        if (payload.Length <= ConfigLimits.MaxReportedBytes)
        {
            try
            {
                var reader = new Utf8JsonReader(payload);
                report = JsonSerializer.Deserialize(ref reader, ConfigJson.Default.ReportedConfig);
            }
            catch (JsonException ex)
            {
                logger.LogDebug("Unreadable configuration report: {Error}", ex.Message);
            }
        }

        if (report?.State is null)
        {
            Interlocked.Increment(ref _refused);
            logger.LogWarning("Refused a configuration report from {Device} ({Bytes} bytes): unreadable or over {Limit} bytes",
                address.DeviceId, payload.Length, ConfigLimits.MaxReportedBytes);
            return;
        }

        await store.SaveReportedAsync(new ReportedRecord
        {
            DeviceId = address.DeviceId,
            AppliedVersion = report.AppliedVersion,
            State = report.State,
            RejectedVersion = report.RejectedVersion,
            Reason = report.Reason,
            RestartPending = [.. report.RestartPending ?? []],
            At = report.At.UtcDateTime,
            ReceivedAt = time.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        if (report.State == ConfigStates.Rejected)
        {
            logger.LogWarning("{Device} refused configuration v{Version} and keeps v{Applied}: {Reason}",
                address.DeviceId, report.RejectedVersion, report.AppliedVersion, report.Reason);
        }
    }
}
