using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Centres;
using Edge.Fleet.Reports;
using Edge.Fleet.Stats;
using Edge.Fleet.Web;
using Edge.Hosting;

namespace Edge.Fleet.Comparison;

public static class ComparisonRegistration
{
    /// <summary>Longest comparison window, in days.</summary>
    public const int MaxDays = 92;

    /// <summary>The comparison of centres and provinces (README.md here); needs AddReports and AddCentres.</summary>
    public static IHostApplicationBuilder AddComparison(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<ComparisonOptions>(ComparisonOptions.Section);
        builder.Services.AddSingleton<CentreComparison>();
        builder.Services.AddSingleton<Alerts.Rules.IAlertRule, SatisfactionTargetRule>();
        builder.Services.AddApiJson(ComparisonJson.Default);
        return builder;
    }

    /// <summary>
    /// Readers: <c>GET /api/v1/comparison?province=&amp;from=&amp;to=</c>, the centres of a province ranked (with
    /// <c>province</c>), or the provinces (without); whole days (<c>yyyy-MM-dd</c>, to included; default the last 7 days,
    /// at most 92). Scoped like every statistic (<see cref="StatsScope"/>): a province officer asking for another
    /// province gets 403, and without <c>province</c> sees only their own provinces' rows.
    /// </summary>
    public static IEndpointRouteBuilder MapComparisonApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/comparison", async (string? province, string? from, string? to, CentreComparison comparison, CentreReportBuilder reports,
            ICentreDirectory directory, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (StatsScope.Resolve(user, directory, null, province, out var forbidden, out var scopeError) is not { } scope)
            {
                return forbidden ? Results.Forbid() : Results.BadRequest(new ErrorView(scopeError!));
            }

            if (!StatsWindow.TryParseDay(from, nameof(from), out var error) || !StatsWindow.TryParseDay(to, nameof(to), out error))
            {
                return Results.BadRequest(new ErrorView(error!));
            }

            var lastDay = to is null ? reports.Today : DateOnly.ParseExact(to, StatsWindow.DateFormat, CultureInfo.InvariantCulture);
            var firstDay = from is null ? lastDay.AddDays(-6) : DateOnly.ParseExact(from, StatsWindow.DateFormat, CultureInfo.InvariantCulture);
            if (lastDay < firstDay || lastDay.DayNumber - firstDay.DayNumber + 1 > MaxDays)
            {
                return Results.BadRequest(new ErrorView($"to must not be before from, at most {MaxDays} days in all"));
            }

            var view = await comparison.CompareAsync(user, scope, province, firstDay, lastDay, cancellationToken);
            return Results.Json(view, ComparisonJson.Default.ComparisonView);
        });
        return app;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ComparisonView))]
internal sealed partial class ComparisonJson : JsonSerializerContext;
