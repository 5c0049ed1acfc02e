using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Centres;
using Edge.Fleet.Ingest;
using Edge.Fleet.Metrics;
using Edge.Fleet.Store;
using Edge.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Queue;

public static class QueueRegistration
{
    /// <summary>
    /// The centres' queues (queue.db in Fleet:DataDir, or PostgreSQL with Store:Kind=postgres) and the desk that
    /// answers counters' call requests. Call after AddSelectedEventStore.
    /// </summary>
    public static IHostApplicationBuilder AddQueue(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<QueueOptions>(QueueOptions.Section);
        builder.AddFleetStore<IQueueStore>(
            sp => new LiteQueueStore(FleetOptions.FileIn(sp, LiteQueueStore.FileName), sp.GetRequiredService<StoreOutages>(), parking: sp.GetRequiredService<QueueParkingCounts>()),
            sp => new PostgresQueueStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<QueueParkingCounts>()));
        builder.Services.AddSingleton<QueueParkingCounts>();
        builder.Services.AddFeatureMeter<QueueMetrics>();
        builder.Services.AddDeviceDownlink();
        builder.Services.AddSingleton<IQueueReplySender, QueueReplySender>();
        builder.Services.AddSingleton<QueueRefusalCounts>();
        builder.Services.AddSingleton<QueueDesk>();
        builder.Services.AddDeviceRequestHandler<QueueDesk>();
        builder.Services.AddBatchGate<QueueDesk>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// <c>GET /api/v1/queue/tickets?centre=&amp;day=</c> (a day's tickets and their times),
    /// <c>GET /api/v1/queue/calls?centre=&amp;limit=</c> (the hall display: latest calls, newest first),
    /// <c>GET /api/v1/stats/queue?centre=&amp;from=&amp;to=&amp;format=csv</c> (issued, served, skipped, waiting and service times,
    /// satisfaction, per centre, field, counter and day over a range; <c>day=</c> for one day),
    /// <c>GET /api/v1/queue/refusals</c> (refused requests by reason).
    /// centre defaults to "default" (devices not enrolled), day to today in Queue:TimeZone.
    /// </summary>
    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/queue/tickets", (IQueueStore store, QueueDesk desk, ClaimsPrincipal user, string? centre, string? day, CancellationToken cancellationToken) =>
            Scoped(user, centre, day, desk, async (c, d) => Results.Json(
                new TicketListView(c, d, (await store.TicketsAsync(c, d, cancellationToken)).Select(QueueFigures.View).ToList()), QueueJson.Default.TicketListView)));
        app.MapGet("/api/v1/queue/calls", (IQueueStore store, QueueDesk desk, IOptions<QueueOptions> options, ClaimsPrincipal user, string? centre, int? limit, CancellationToken cancellationToken) =>
            Scoped(user, centre, null, desk, async (c, d) => Results.Json(
                new HallCallsView(c, d, QueueFigures.HallCalls(await store.TicketsAsync(c, d, cancellationToken), Math.Clamp(limit ?? options.Value.HallCalls, 1, 100))),
                QueueJson.Default.HallCallsView)));
        app.MapGet("/api/v1/stats/queue", (IQueueStore store, QueueDesk desk, IOptions<QueueOptions> options, ICentreDirectory directory, ClaimsPrincipal user,
            string? centre, string? province, string? day, string? from, string? to, string? format, CancellationToken cancellationToken) =>
            province is null
                ? StatsAsync(store, desk, options.Value, user, centre, from ?? day, to ?? from ?? day, format, cancellationToken)
                : ProvinceStatsAsync(store, desk, options.Value, directory, user, centre, province, from ?? day, to ?? from ?? day, format, cancellationToken));
        app.MapGet("/api/v1/queue/refusals", (QueueRefusalCounts counts) =>
            Results.Json(new QueueRefusalsView(counts.Snapshot()), QueueJson.Default.QueueRefusalsView));
        return app;
    }

    /// <summary>
    /// Statistics of a centre's lists over <paramref name="from"/>..<paramref name="to"/> (dates, to included as on every
    /// statistics endpoint, see <see cref="Stats.StatsWindow"/>; both default to today), as JSON or, with <c>format=csv</c>, as a CSV file.
    /// </summary>
    private static Task<IResult> StatsAsync(
        IQueueStore store, QueueDesk desk, QueueOptions options, ClaimsPrincipal user, string? centre, string? from, string? to, string? format,
        CancellationToken cancellationToken) =>
        WindowedAsync(options, from, to, format, desk, refusal => Scoped(user, centre, from, desk, async (c, first) => refusal(first) ??
            Answer(QueueFigures.Stats(c, first, to ?? first, await store.TicketsBetweenAsync(c, first, to ?? first, cancellationToken)), format)));

    /// <summary>
    /// The figures of a province's centres together (<c>province=</c>, a code of fleet/Centres), within the caller's scope
    /// as every statistics endpoint resolves it (<see cref="Stats.StatsScope"/>): per centre, field, centre/counter and day.
    /// </summary>
    private static Task<IResult> ProvinceStatsAsync(
        IQueueStore store, QueueDesk desk, QueueOptions options, ICentreDirectory directory, ClaimsPrincipal user, string? centre, string province,
        string? from, string? to, string? format, CancellationToken cancellationToken) =>
        WindowedAsync(options, from, to, format, desk, async refusal =>
        {
            var scope = Stats.StatsScope.Resolve(user, directory, centre, province, out var forbidden, out var error);
            if (scope?.Centres is not { } centres)
            {
                return forbidden ? Results.Forbid() : Results.Json(new QueueErrorView(error ?? "province must name a province"), QueueJson.Default.QueueErrorView, statusCode: 400);
            }

            var first = from ?? desk.Today();
            var last = to ?? first;
            if (refusal(first) is { } refused)
            {
                return refused;
            }

            var tickets = new List<QueueTicket>();
            foreach (var c in centres.Order(StringComparer.Ordinal))
            {
                tickets.AddRange(await store.TicketsBetweenAsync(c, first, last, cancellationToken));
            }

            return Answer(QueueFigures.Stats(province, first, last, tickets, severalCentres: true), format);
        });

    /// <summary>
    /// Checks format and the from/to window shared by every statistics endpoint (fleet/Stats/README.md), in whole days
    /// (the lists are kept per day); <paramref name="answer"/> gets a check of the span from its first day.
    /// </summary>
    private static async Task<IResult> WindowedAsync(
        QueueOptions options, string? from, string? to, string? format, QueueDesk desk, Func<Func<string, IResult?>, Task<IResult>> answer)
    {
        if (format is not (null or "json" or "csv"))
        {
            return Results.Json(new QueueErrorView($"format must be json or csv (got '{format}')"), QueueJson.Default.QueueErrorView, statusCode: 400);
        }

        if (!Stats.StatsWindow.TryParseDay(from, nameof(from), out var error) || !Stats.StatsWindow.TryParseDay(to, nameof(to), out error))
        {
            return Results.Json(new QueueErrorView(error!), QueueJson.Default.QueueErrorView, statusCode: 400);
        }

        return await answer(first =>
        {
            var last = to ?? first;
            var days = DateOnly.ParseExact(last, Wire.QueueDays.Format).DayNumber - DateOnly.ParseExact(first, Wire.QueueDays.Format).DayNumber + 1;
            return days < 1 || days > options.MaxStatsDays
                ? Results.Json(new QueueErrorView($"from..to must span 1-{options.MaxStatsDays} days (got {first}..{last})"), QueueJson.Default.QueueErrorView, statusCode: 400)
                : null;
        });
    }

    private static IResult Answer(QueueStatsView stats, string? format) =>
        format == "csv" ? Results.Text(QueueStatsCsv.Write(stats), "text/csv; charset=utf-8") : Results.Json(stats, QueueJson.Default.QueueStatsView);

    private static async Task<IResult> Scoped(ClaimsPrincipal user, string? centre, string? day, QueueDesk desk, Func<string, string, Task<IResult>> answer)
    {
        var c = string.IsNullOrEmpty(centre) ? QueueDesk.NoCentre : centre;
        if (day is not null && !DateOnly.TryParseExact(day, Wire.QueueDays.Format, out _))
        {
            return Results.Json(new QueueErrorView($"day must be yyyy-MM-dd (got '{day}')"), QueueJson.Default.QueueErrorView, statusCode: 400);
        }

        return CentreScope.MaySee(user, c) ? await answer(c, day ?? desk.Today()) : Results.Forbid();
    }
}
