namespace Edge.Fleet.Alerts;

/// <summary>The kinds of alert, as the API and the webhook name them.</summary>
public static class AlertKinds
{
    public const string DeviceOffline = "device-offline";
    public const string PrinterPaperOut = "printer-paper-out";
    public const string PrinterCoverOpen = "printer-cover-open";
    public const string PrinterOffline = "printer-offline";
    public const string OutboxBacklog = "outbox-backlog";
    public const string ClockUnsynced = "clock-unsynced";
    public const string DiskLow = "disk-low";
    public const string CounterSilent = "counter-silent";
    public const string SequenceGap = "sequence-gap";
    public const string DeviceDisk = "device-disk";
    public const string StorageCorrupt = "storage-corrupt";
    public const string DeviceFault = "device-fault";
}

/// <summary>
/// Something wrong now, as a rule sees it. <see cref="Key"/> identifies the problem (kind and what it is about): while
/// a rule keeps reporting the same key the alert stays open; when it stops, the alert resolves.
/// <see cref="HoldFor"/>: how long it must keep being reported before an alert opens (a gap still filling in).
/// </summary>
public sealed record AlertCondition(
    string Kind,
    string Severity,
    string? DeviceId,
    string? Counter,
    string? Centre,
    string Detail,
    TimeSpan HoldFor = default)
{
    public string Key => $"{Kind}|{Centre}|{DeviceId}|{Counter}";

    /// <summary>
    /// The figures of <see cref="Detail"/> by name (<see cref="AlertParameters"/>), so a page can say the detail in its
    /// own language; <see cref="Detail"/> stays the fleet's English sentence.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}

/// <summary>
/// Names of an alert's <see cref="Alert.Parameters"/>: each kind's detail sentence is made of these (device-offline:
/// <c>since</c>, <c>reason</c>; printer kinds: <c>state</c>; outbox-backlog: <c>events</c>, <c>oldestMinutes</c>;
/// clock-unsynced: <c>uptimeMinutes</c>; disk-low: <c>freeMb</c>; counter-silent: <c>hours</c>; sequence-gap:
/// <c>missing</c>, <c>upTo</c>; device faults: <c>fault</c>, <c>sentence</c> (the device's own words)).
/// </summary>
public static class AlertParameters
{
    public const string Since = "since";
    public const string Reason = "reason";
    public const string State = "state";
    public const string Events = "events";
    public const string OldestMinutes = "oldestMinutes";
    public const string UptimeMinutes = "uptimeMinutes";
    public const string FreeMb = "freeMb";
    public const string Hours = "hours";
    public const string Missing = "missing";
    public const string UpTo = "upTo";
    public const string Fault = "fault";
    public const string Sentence = "sentence";
}

/// <summary>
/// An alert, open (<see cref="ResolvedAt"/> null) or resolved, with the work people did on it: who acknowledged it,
/// to whom it is assigned, who resolved it (null: the fleet did, the condition ended), and the alert of the same
/// problem a person had resolved before this one opened again (<see cref="Reopens"/>).
/// </summary>
public sealed record Alert(
    string Id,
    string Key,
    string Kind,
    string Severity,
    string? DeviceId,
    string? Counter,
    string? Centre,
    string Detail,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt)
{
    public bool IsOpen => ResolvedAt is null;

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>The user the alert is assigned to.</summary>
    public string? AssignedTo { get; init; }

    /// <summary>The person who resolved it; null when open or resolved by the fleet.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>Id of the previous alert of the same problem when a person had resolved it and the condition returned.</summary>
    public string? Reopens { get; init; }

    /// <summary>
    /// The figures of <see cref="Detail"/> by name (<see cref="AlertParameters"/>) for a page to word in its language;
    /// null for alerts opened before the fleet kept them (the page shows <see cref="Detail"/> then).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    public static Alert Open(AlertCondition c, DateTimeOffset at) =>
        new(Guid.NewGuid().ToString("N"), c.Key, c.Kind, c.Severity, c.DeviceId, c.Counter, c.Centre, c.Detail, at, null)
        {
            Parameters = c.Parameters,
        };
}

public static class Severities
{
    public const string Critical = "critical";
    public const string Warning = "warning";
}
