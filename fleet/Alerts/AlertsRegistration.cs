using System.Text.Json;
using Edge.Fleet.Audit;
using Edge.Fleet.Web;
using System.Security.Claims;
using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Auth;
using Edge.Fleet.Metrics;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Edge.Fleet.Alerts;

/// <summary><c>GET /api/v1/alerts</c>: the open alerts, and the history (open and resolved) of the last <c>days</c>.</summary>
public sealed record AlertListView(List<Alert> Open, List<Alert> History);

/// <summary><c>GET /api/v1/alerts/rules</c>: the defaults and every configured centre's rules in force.</summary>
public sealed record AlertRulesView(AlertRules Defaults, Dictionary<string, AlertRules> Centres);

public static class AlertsRegistration
{
    /// <summary>
    /// The rules, the evaluator, the webhook's sender and the alert store (<c>{Fleet:DataDir}/alerts.db</c>, or PostgreSQL
    /// with <c>Store:Kind=postgres</c>); needs <c>AddHealth</c> and <c>AddSelectedEventStore</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<AlertOptions>(AlertOptions.Section);
        builder.AddFleetStore<IAlertStore>(
            sp => new LiteAlertStore(FleetOptions.FileIn(sp, "alerts.db"), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresAlertStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<CentreRuleResolver>();
        builder.Services.AddSingleton<OpenAlertCache>();
        builder.Services.AddSingleton<AlertTransitions>();
        builder.Services.TryAddSingleton<IAlertMailPlanner, NoAlertMails>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AlertWorkContext>();
        builder.Services.AddFeatureMeter<AlertMetrics>();
        builder.Services.AddHttpClient<AlertWebhook>();
        builder.Services.AddSingleton<IDeviceHealthSource, FleetHealthSource>();
        builder.Services.AddSingleton<IAlertRule, DeviceOfflineRule>();
        builder.Services.AddSingleton<IAlertRule, PrinterRule>();
        builder.Services.AddSingleton<IAlertRule, OutboxBacklogRule>();
        builder.Services.AddSingleton<IAlertRule, ClockUnsyncedRule>();
        builder.Services.AddSingleton<IAlertRule, DiskLowRule>();
        builder.Services.AddSingleton<IAlertRule, DeviceFaultRule>();
        builder.Services.AddSingleton<IAlertRule, SequenceGapRule>();
        builder.Services.AddSingleton<IAlertRule, SilentCounterRule>();

        // The rules sync starts first: the evaluator's first round needs the stored centre rules.
        builder.Services.AddHostedService<CentreRuleSync>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        builder.Services.AddSingleton<AlertNoticeSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertNoticeSender>());
        builder.Services.AddApiJson(AlertsJson.Default);
        return builder;
    }

    /// <summary>
    /// <c>GET /api/v1/alerts?days=7&amp;limit=500&amp;centre=</c> (a manager: their centres' alerts; 403 for another centre); <c>GET /api/v1/alerts/rules</c>;
    /// <c>PUT /api/v1/alerts/rules/{centre}</c> with the thresholds to change (JSON, any subset of <see cref="AlertRuleSettings"/>;
    /// a manager only for their centres); the work on one alert (<see cref="AlertWorkEndpoints"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", async (int? days, int? limit, string? centre, OpenAlertCache open, IAlertStore store, TimeProvider time, ClaimsPrincipal user,
            CancellationToken cancellationToken) =>
        {
            if (centre is not null && !CentreScope.MaySee(user, centre))
            {
                return (Results<Ok<AlertListView>, ForbidHttpResult>)TypedResults.Forbid();
            }

            var since = time.GetUtcNow().AddDays(-Math.Clamp(days ?? 7, 1, 366));
            var history = await store.HistoryAsync(since, Math.Clamp(limit ?? 500, 1, 10_000), cancellationToken);
            return TypedResults.Ok(new AlertListView(
                [.. (await open.ReadAsync(cancellationToken)).Where(a => CentreScope.MaySee(user, a.Centre) && (centre is null || a.Centre == centre))],
                [.. history.Where(a => CentreScope.MaySee(user, a.Centre) && (centre is null || a.Centre == centre))]));
        });
        app.MapGet("/api/v1/alerts/rules", (CentreRuleResolver rules, ClaimsPrincipal user) => TypedResults.Ok(new AlertRulesView(
            rules.Defaults,
            rules.Centres().Where(c => CentreScope.MaySee(user, c.Key)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal))));
        app.MapPut("/api/v1/alerts/rules/{centre}", PutCentreRulesAsync);
        app.MapAlertWorkApi();
        return app;
    }

    private static async Task<Results<Ok<AlertRules>, BadRequest<ErrorView>, ForbidHttpResult>> PutCentreRulesAsync(
        string centre, AlertRuleSettings change, CentreRuleResolver rules, IAlertStore store, IChangeFeed changes, AuditRecorder audit,
        ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        if (!CentreScope.MaySee(user, centre))
        {
            return TypedResults.Forbid();
        }

        if (string.IsNullOrWhiteSpace(centre) || centre.Length > 100)
        {
            return TypedResults.BadRequest(new ErrorView("centre must be 1-100 characters"));
        }

        var effective = rules.Preview(centre, change);
        var problems = effective.Problems($"{AlertOptions.Section}:Centres:{centre}").ToList();
        if (problems.Count > 0)
        {
            return TypedResults.BadRequest(new ErrorView(string.Join("; ", problems)));
        }

        await store.SaveCentreRulesAsync(centre, change, cancellationToken);
        rules.Apply(centre, change);
        await audit.RecordAsync(user.Identity?.Name ?? "?", AuditActions.AlertRulesChanged, centre,
            detail: JsonSerializer.Serialize(change, AlertsJson.Default.AlertRuleSettings), address: context.Connection.RemoteIpAddress?.ToString(),
            cancellationToken: cancellationToken);
        await changes.PublishAsync(ChangeTopics.AlertRules, cancellationToken);
        return TypedResults.Ok(effective);
    }
}
