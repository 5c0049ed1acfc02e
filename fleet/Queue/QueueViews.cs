using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Queue;

/// <summary>One ticket with its times (UTC, from the devices' events) and what they amount to, in seconds.</summary>
public sealed record TicketView(
    string Number, string Field, string Kiosk, string State, string? Counter,
    DateTime IssuedAt, DateTime? AssignedAt, long CallOrder, DateTime? CalledAt, DateTime? ServedAt, DateTime? SkippedAt, int Recalls,
    double? WaitS, double? ServiceS, int? RatingLevel)
{
    public bool Priority { get; init; }

    /// <summary>Times the ticket was transferred to another field or counter (it kept its number).</summary>
    public int Transfers { get; init; }

    /// <summary>Called again after a skip (its citizen came back).</summary>
    public bool Returned { get; init; }

    /// <summary>The counter it was transferred to and not yet called at.</summary>
    public string? TargetCounter { get; init; }
}

public sealed record TicketListView(string Centre, string Day, IReadOnlyList<TicketView> Tickets);

/// <summary>A call as the hall display shows it: "Mời số {Number} đến quầy số {Counter}".</summary>
public sealed record HallCall(string Number, string Field, string Counter, DateTime At, bool Recall);

public sealed record HallCallsView(string Centre, string Day, IReadOnlyList<HallCall> Calls);

/// <summary>
/// Figures of one field or counter over a queue day: waiting time = called − issued, service time = served − called
/// (device event times); satisfaction index = share of ticket-linked ratings in the satisfied levels.
/// </summary>
public sealed record QueueGroupStats(
    string Key, int Issued, int Called, int Served, int Skipped, int Waiting,
    double? WaitAvgS, double? WaitMaxS, double? ServiceAvgS, int Ratings, double? SatisfactionIndex)
{
    /// <summary>Priority tickets among <see cref="Issued"/>.</summary>
    public int Priority { get; init; }

    /// <summary>Tickets transferred at least once.</summary>
    public int Transferred { get; init; }

    /// <summary>Tickets called again after a skip (their citizen came back).</summary>
    public int Returned { get; init; }
}

/// <summary>
/// Figures of a centre's lists over the days <see cref="From"/> to <see cref="To"/> (<see cref="Day"/> = <see cref="From"/>):
/// the whole centre, per field, per counter (where the ticket was last called) and per day.
/// </summary>
public sealed record QueueStatsView(string Centre, string Day, QueueGroupStats All, IReadOnlyList<QueueGroupStats> ByField, IReadOnlyList<QueueGroupStats> ByCounter)
{
    public string? From { get; init; }

    public string? To { get; init; }

    public IReadOnlyList<QueueGroupStats> ByDay { get; init; } = [];

    /// <summary>Each centre's figures, when the figures are of a province (<c>province=</c>); empty for one centre.</summary>
    public IReadOnlyList<QueueGroupStats> ByCentre { get; init; } = [];
}

/// <summary>Refused queue requests by reason (<see cref="Edge.Wire.CallRefusals"/>) since this node started.</summary>
public sealed record QueueRefusalsView(IReadOnlyDictionary<string, long> ByReason);

public sealed record QueueErrorView(string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TicketListView))]
[JsonSerializable(typeof(HallCallsView))]
[JsonSerializable(typeof(QueueStatsView))]
[JsonSerializable(typeof(QueueErrorView))]
[JsonSerializable(typeof(QueueRefusalsView))]
public sealed partial class QueueJson : JsonSerializerContext;
