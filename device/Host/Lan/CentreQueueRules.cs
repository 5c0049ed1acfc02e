using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Queue;
using Edge.Storage;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>
/// The fleet's order-of-calls rules (fairness rule: <c>Queue:PriorityRun</c>, <c>Queue:OrdinaryWaitSeconds</c> of the
/// fleet) as its last <see cref="Wire.LanInfo"/> gave them, kept in <c>{DataDir}/queue-rules.json</c> so that a counter
/// calling through the kiosks during an outage orders the calls as the fleet would, even after a restart.
/// <see cref="QueueRules.Default"/> until the fleet has said.
/// </summary>
public sealed class CentreQueueRules
{
    private readonly string _path;
    private QueueRules _current;

    public CentreQueueRules(IOptions<DeviceOptions> device)
    {
        _path = Path.Combine(device.Value.ResolvedDataDir, "queue-rules.json");
        _current = Load(_path) ?? QueueRules.Default;
    }

    public QueueRules Current => Volatile.Read(ref _current);

    /// <summary>Takes the fleet's values (out of range ones are ignored: the fleet checks them at its start).</summary>
    public void FromFleet(int? priorityRun, int? ordinaryWaitSeconds)
    {
        if (priorityRun is not (>= 1 and <= 100) || ordinaryWaitSeconds is not (>= 0 and <= 86_400))
        {
            return;
        }

        var rules = QueueRules.Default with { PriorityRun = priorityRun.Value, OrdinaryWaitLimit = TimeSpan.FromSeconds(ordinaryWaitSeconds.Value) };
        if (rules == Current)
        {
            return;
        }

        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(new StoredQueueRules(priorityRun.Value, ordinaryWaitSeconds.Value), QueueRulesJson.Default.StoredQueueRules));
        Volatile.Write(ref _current, rules);
    }

    private static QueueRules? Load(string path)
    {
        try
        {
            return AtomicFile.ReadOrNull(path) is { } bytes && JsonSerializer.Deserialize(bytes, QueueRulesJson.Default.StoredQueueRules) is { } stored
                ? QueueRules.Default with { PriorityRun = stored.PriorityRun, OrdinaryWaitLimit = TimeSpan.FromSeconds(stored.OrdinaryWaitSeconds) }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The fleet's fairness rule as kept on disk.</summary>
public sealed record StoredQueueRules(int PriorityRun, int OrdinaryWaitSeconds);

[JsonSerializable(typeof(StoredQueueRules))]
internal sealed partial class QueueRulesJson : JsonSerializerContext;
