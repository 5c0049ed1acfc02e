using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Stats;

namespace Edge.Fleet.Reports;

/// <summary>
/// One centre's report over one period (fleet/Reports/README.md): the days <see cref="FromDay"/> to <see cref="ToDay"/>
/// (centre time, both included), i.e. the instants [<see cref="From"/>, <see cref="To"/>) as <see cref="StatsWindow"/>
/// reads <c>from=FromDay&amp;to=ToDay</c> on every statistics endpoint.
/// </summary>
public sealed record CentreReport(
    string Centre,
    string Period,
    string FromDay,
    string ToDay,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    ReportSatisfaction Satisfaction,
    ReportTickets Tickets,
    ReportAvailability Availability,
    ReportAlerts Alerts);

/// <summary>
/// Ratings of the centre's devices (suspect presses excluded), with the same figures as
/// <c>/api/v1/stats/ratings/daily?centre=&amp;groupBy=counter|field|day</c>; <see cref="Target"/>: the satisfaction target (0..1).
/// <see cref="Heatmap"/>: ratings per day and hour (<see cref="RatingHeatmap"/>).
/// </summary>
public sealed record ReportSatisfaction(
    double Target,
    RatingGroupView Total,
    IReadOnlyList<RatingGroupView> ByCounter,
    IReadOnlyList<RatingGroupView> ByField,
    IReadOnlyList<RatingGroupView> ByDay,
    RatingHeatmap Heatmap);

/// <summary>Ratings per day (rows) and local hour <see cref="FirstHour"/>..<see cref="LastHour"/> (columns, both included).</summary>
public sealed record RatingHeatmap(int FirstHour, int LastHour, IReadOnlyList<HeatmapDay> Days);

/// <summary>One day of the heatmap: <see cref="Counts"/>[i] is the ratings of hour FirstHour + i.</summary>
public sealed record HeatmapDay(string Day, IReadOnlyList<long> Counts);

/// <summary>Tickets of the centre's waiting lists of those days (fleet/Queue): the whole centre and per field.</summary>
public sealed record ReportTickets(TicketFigures All, IReadOnlyList<TicketFigures> ByField);

/// <summary>
/// Issued and served tickets, and waiting time (called − issued, seconds) of the tickets called: average and
/// 95th percentile (nearest rank).
/// </summary>
public sealed record TicketFigures(string Key, int Issued, int Called, int Served, double? WaitAvgS, double? WaitP95S);

/// <summary>
/// Device availability in opening hours (<see cref="DeviceAvailabilityCalculator"/>): per active device of the centre,
/// opening minutes of the period that have passed, those it was online, and those the heartbeat history does not
/// cover any more (<see cref="UnknownMinutes"/>, left out of the share). <see cref="OpeningHours"/>: the centre's.
/// </summary>
public sealed record ReportAvailability(string OpeningHours, IReadOnlyList<DeviceAvailability> Devices, double? Share);

/// <summary>One device: <see cref="Share"/> = <see cref="OnlineMinutes"/> / (<see cref="OpenMinutes"/> − <see cref="UnknownMinutes"/>).</summary>
public sealed record DeviceAvailability(string DeviceId, string Counter, string Role, int OpenMinutes, int OnlineMinutes, int UnknownMinutes, double? Share);

/// <summary>
/// Alerts of the centre opened in the period: how many, how many resolved (and how long that took, minutes), how many
/// are still open; per kind too.
/// </summary>
public sealed record ReportAlerts(AlertFigures All, IReadOnlyList<AlertFigures> ByKind);

public sealed record AlertFigures(string Key, int Opened, int Resolved, int StillOpen, double? ResolveAvgMinutes, double? ResolveMaxMinutes);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CentreReport))]
public sealed partial class ReportsJson : JsonSerializerContext;
