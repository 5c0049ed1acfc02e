using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Queue;

/// <summary>One ticket with its times (UTC, from the devices' events) and what they amount to, in seconds.</summary>
public sealed record TicketView(
    string Number, string Field, string Kiosk, string State, string? Counter,
    DateTime IssuedAt, DateTime? AssignedAt, long CallOrder, DateTime? CalledAt, DateTime? ServedAt, DateTime? SkippedAt, int Recalls,
    double? WaitS, double? ServiceS, int? RatingLevel);

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
    double? WaitAvgS, double? WaitMaxS, double? ServiceAvgS, int Ratings, double? SatisfactionIndex);

public sealed record QueueStatsView(string Centre, string Day, QueueGroupStats All, IReadOnlyList<QueueGroupStats> ByField, IReadOnlyList<QueueGroupStats> ByCounter);

public sealed record QueueErrorView(string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TicketListView))]
[JsonSerializable(typeof(HallCallsView))]
[JsonSerializable(typeof(QueueStatsView))]
[JsonSerializable(typeof(QueueErrorView))]
public sealed partial class QueueJson : JsonSerializerContext;
