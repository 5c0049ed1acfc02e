using System.Globalization;
using Edge.Fleet.Health;

namespace Edge.Fleet.Alerts.Rules;

/// <summary>
/// A device offline for <c>OfflineMinutes</c>; opens only during opening hours (a device switched off at night is
/// normal) but, once open, stays open until the device is back.
/// </summary>
public sealed class DeviceOfflineRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        var limit = rules.Rules.OfflineMinutes;
        if (limit <= 0 || device.Liveness.Online || device.Liveness.LastSeen is not { } lastSeen)
        {
            yield break;
        }

        var away = context.Now - lastSeen;
        var condition = new AlertCondition(AlertKinds.DeviceOffline, Severities.Critical, device.Id, device.Counter, device.Centre,
            $"offline since {lastSeen:u} ({device.Liveness.Reason})")
        {
            Parameters = new Dictionary<string, string>
            {
                [AlertParameters.Since] = lastSeen.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                [AlertParameters.Reason] = device.Liveness.Reason,
            },
        };
        if (away.TotalMinutes >= limit && (rules.IsOpen(context.Now) || context.OpenKeys.Contains(condition.Key)))
        {
            yield return condition;
        }
    }
}

/// <summary>The printer out of paper, its cover open, or not answering, from the heartbeat's <c>peripherals.printer</c>.</summary>
public sealed class PrinterRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        if (!rules.Rules.Printer || LiveReport(device)?.Peripherals?.GetValueOrDefault("printer") is not { } state)
        {
            yield break;
        }

        var kind = state switch
        {
            "paper-out" => AlertKinds.PrinterPaperOut,
            "cover-open" => AlertKinds.PrinterCoverOpen,
            "offline" => AlertKinds.PrinterOffline,
            _ => null,
        };
        if (kind is not null)
        {
            yield return new AlertCondition(kind, Severities.Critical, device.Id, device.Counter, device.Centre, $"printer {state}")
            {
                Parameters = new Dictionary<string, string> { [AlertParameters.State] = state },
            };
        }
    }
}

/// <summary>Events waiting on the device: the oldest older than <c>OutboxOldestMinutes</c> or more than <c>OutboxDepth</c> of them.</summary>
public sealed class OutboxBacklogRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        if (LiveReport(device) is not { } report)
        {
            yield break;
        }

        var r = rules.Rules;
        var tooOld = r.OutboxOldestMinutes > 0 && report.OldestUnackedAgeS / 60 >= r.OutboxOldestMinutes;
        var tooDeep = r.OutboxDepth > 0 && report.OutboxDepth >= r.OutboxDepth;
        if (tooOld || tooDeep)
        {
            yield return new AlertCondition(AlertKinds.OutboxBacklog, Severities.Warning, device.Id, device.Counter, device.Centre,
                string.Create(CultureInfo.InvariantCulture, $"{report.OutboxDepth} events waiting, oldest {report.OldestUnackedAgeS / 60:F0} min"))
            {
                Parameters = new Dictionary<string, string>
                {
                    [AlertParameters.Events] = report.OutboxDepth.ToString(CultureInfo.InvariantCulture),
                    [AlertParameters.OldestMinutes] = (report.OldestUnackedAgeS / 60).ToString("F0", CultureInfo.InvariantCulture),
                },
            };
        }
    }
}

/// <summary>The clock still not synchronised <c>ClockUnsyncedMinutes</c> after the device started (its timestamps are suspect).</summary>
public sealed class ClockUnsyncedRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        var limit = rules.Rules.ClockUnsyncedMinutes;
        if (limit > 0 && LiveReport(device) is { ClockSynced: false } report && report.UptimeS / 60.0 >= limit)
        {
            yield return new AlertCondition(AlertKinds.ClockUnsynced, Severities.Warning, device.Id, device.Counter, device.Centre,
                $"clock not synchronised after {report.UptimeS / 60} min of uptime")
            {
                Parameters = new Dictionary<string, string> { [AlertParameters.UptimeMinutes] = (report.UptimeS / 60).ToString(CultureInfo.InvariantCulture) },
            };
        }
    }
}

/// <summary>Less than <c>DiskFreeMb</c> free on the device's data disk (an SD card filling up stops the outbox).</summary>
public sealed class DiskLowRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        var limit = rules.Rules.DiskFreeMb;
        if (limit > 0 && LiveReport(device) is { DiskFreeMb: { } free } && free < limit)
        {
            yield return new AlertCondition(AlertKinds.DiskLow, Severities.Warning, device.Id, device.Counter, device.Centre,
                $"{free} MB free")
            {
                Parameters = new Dictionary<string, string> { [AlertParameters.FreeMb] = free.ToString(CultureInfo.InvariantCulture) },
            };
        }
    }
}

/// <summary>
/// A fault the device itself reports in its heartbeat's <c>faults</c> (device/Outbox): <c>disk</c> (its outbox cannot
/// write: presses are answered but not stored) and <c>storage-corrupt</c> (its outbox file was damaged and quarantined);
/// any other fault name opens a <see cref="AlertKinds.DeviceFault"/>. It resolves when the device stops reporting it.
/// </summary>
public sealed class DeviceFaultRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        if (LiveReport(device)?.Faults is not { Count: > 0 } faults)
        {
            yield break;
        }

        foreach (var (name, sentence) in faults.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var kind = name switch
            {
                "disk" => AlertKinds.DeviceDisk,
                "storage-corrupt" => AlertKinds.StorageCorrupt,
                _ => AlertKinds.DeviceFault,
            };
            yield return new AlertCondition(kind, Severities.Critical, device.Id, device.Counter, device.Centre, $"{name}: {sentence}")
            {
                Parameters = new Dictionary<string, string> { [AlertParameters.Fault] = name, [AlertParameters.Sentence] = sentence },
            };
        }
    }
}

/// <summary>
/// Seqs missing below the highest stored for longer than <c>GapMinutes</c>: a gap usually fills in within seconds
/// (redelivery); one that lasts means lost events.
/// </summary>
public sealed class SequenceGapRule : DeviceAlertRule
{
    protected override IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context)
    {
        var limit = rules.Rules.GapMinutes;
        if (limit > 0 && device.Sequence is { Missing: > 0 } sequence)
        {
            yield return new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, device.Id, device.Counter, device.Centre,
                $"{sequence.Missing} events missing above {sequence.UpTo}", TimeSpan.FromMinutes(limit))
            {
                Parameters = new Dictionary<string, string>
                {
                    [AlertParameters.Missing] = sequence.Missing.ToString(CultureInfo.InvariantCulture),
                    [AlertParameters.UpTo] = sequence.UpTo.ToString(CultureInfo.InvariantCulture),
                },
            };
        }
    }
}
