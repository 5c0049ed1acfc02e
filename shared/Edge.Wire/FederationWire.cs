using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>
/// Topics between a lower fleet (a province's) and the upper fleet it forwards to (the nation's), under
/// <c>fleets/{fleet}/</c>, where <c>{fleet}</c> is the lower fleet's id in the upper fleet's registry (one level, the
/// rules of <see cref="DeviceId"/>). The lower fleet publishes <see cref="Events"/> and subscribes to <see cref="Ack"/>.
/// </summary>
public static class FederationTopics
{
    public const string Root = "fleets";

    /// <summary>Every lower fleet's events: what the upper fleet consumes.</summary>
    public const string AllEvents = Root + "/+/events";

    public static string Events(string fleetId) => $"{Root}/{fleetId}/events";

    public static string Ack(string fleetId) => $"{Root}/{fleetId}/ack";

    /// <summary>True for <c>fleets/{fleet}/events</c> (whatever the fleet id; its validity is the caller's to check).</summary>
    public static bool TryParseEvents(string topic, out string fleetId)
    {
        var parts = topic.Split('/');
        fleetId = parts.Length == 3 && parts[0] == Root && parts[2] == "events" ? parts[1] : "";
        return fleetId.Length > 0;
    }
}

/// <summary>
/// One device's events forwarded by a lower fleet: the device's id and its centre in the lower fleet, and events in
/// seq order as the lower fleet stored them (the device's own seqs, so (fleet, device, seq) names each once).
/// Events the upper fleet has no use for travel as <see cref="ForwardedKinds.Omitted"/> markers keeping their seq.
/// <see cref="CentreName"/> and <see cref="Province"/> (added later, absent from older senders) are the centre's
/// display name and two-digit province code in the lower fleet's centre directory, null when it has no such centre:
/// the upper fleet enters the centre in its own directory with them.
/// </summary>
public sealed record ForwardedBatch(
    string DeviceId, string Centre, IReadOnlyList<DeviceEvent> Events, string? CentreName = null, string? Province = null);

/// <summary>
/// The upper fleet's answer after its durable commit: <see cref="UpTo"/> is the highest contiguous seq of the
/// device it holds, the same meaning as a device's <see cref="Ack"/>.
/// </summary>
public sealed record ForwardedAck(string DeviceId, long UpTo);

public static class ForwardedKinds
{
    /// <summary>An event that is neither a rating nor a ticket event: forwarded as its seq only, so the ack can pass it.</summary>
    public const string Omitted = "omitted";

    /// <summary>Ratings and ticket events travel whole; everything else as <see cref="Omitted"/>.</summary>
    public static bool TravelsWhole(string kind) => kind == EventKinds.Rating || kind.StartsWith("ticket.", StringComparison.Ordinal);
}

/// <summary>Source-generated JSON of the federation messages (camelCase, nulls omitted, like <see cref="WireJson"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ForwardedBatch))]
[JsonSerializable(typeof(ForwardedAck))]
public sealed partial class FederationJson : JsonSerializerContext;
