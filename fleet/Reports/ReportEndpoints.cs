using System.Security.Claims;
using System.Text;
using Edge.Fleet.Auth;
using Edge.Fleet.Stats;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Reports;

public static class ReportEndpoints
{
    public const string Json = "json";
    public const string Pdf = "pdf";
    public const string Xlsx = "xlsx";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// <c>GET /api/v1/reports/{centre}?period=week|month&amp;from=yyyy-MM-dd&amp;format=json|pdf|xlsx</c>: the report of the
    /// week (Monday to Sunday) or month that holds <c>from</c> (default: the last whole one), and
    /// <c>GET /api/v1/reports/{centre}/charts/{chart}?period=&amp;from=</c>: one chart (<c>satisfaction</c>, <c>heatmap</c>,
    /// <c>availability</c>) as SVG. A manager sees only their centres (403).
    /// </summary>
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/reports/{centre}", async (string centre, string? period, string? from, string? format,
            CentreReportBuilder builder, IOptions<ReportOptions> options, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (!CentreScope.MaySee(user, centre))
            {
                return (Results<Ok<CentreReport>, FileContentHttpResult, BadRequest<ErrorView>, ForbidHttpResult, ProblemHttpResult>)TypedResults.Forbid();
            }

            var kind = string.IsNullOrEmpty(format) ? Json : format;
            if (kind is not (Json or Pdf or Xlsx))
            {
                return TypedResults.BadRequest(new ErrorView($"format must be json, pdf or xlsx (got '{format}')"));
            }

            if (!ReportPeriod.TryParse(period, from, builder.Today, out var days, out var error))
            {
                return TypedResults.BadRequest(new ErrorView(error!));
            }

            if (kind == Pdf && !DejaVuFontResolver.TryInstall(options.Value.FontDirectory, out var fontError))
            {
                return TypedResults.Problem(fontError, statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF fonts missing");
            }

            var report = await builder.BuildAsync(centre, days, cancellationToken);
            var name = FileName(report);
            return kind switch
            {
                Pdf => TypedResults.File(ReportPdfWriter.Write(report), "application/pdf", name + ".pdf"),
                Xlsx => TypedResults.File(ReportXlsxWriter.Write(report), XlsxType, name + ".xlsx"),
                _ => TypedResults.Ok(report),
            };
        });

        app.MapGet("/api/v1/reports/{centre}/charts/{chart}", async (string centre, string chart, string? period, string? from,
            CentreReportBuilder builder, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (!CentreScope.MaySee(user, centre))
            {
                return (Results<ContentHttpResult, BadRequest<ErrorView>, ForbidHttpResult>)TypedResults.Forbid();
            }

            if (!ReportCharts.Names.Contains(chart))
            {
                return TypedResults.BadRequest(new ErrorView($"chart must be one of {string.Join(", ", ReportCharts.Names)} (got '{chart}')"));
            }

            if (!ReportPeriod.TryParse(period, from, builder.Today, out var days, out var error))
            {
                return TypedResults.BadRequest(new ErrorView(error!));
            }

            var report = await builder.BuildAsync(centre, days, cancellationToken);
            return TypedResults.Text(SvgCanvas.Draw(ReportCharts.Of(report, chart)!), "image/svg+xml", Encoding.UTF8);
        });
        return app;
    }

    /// <summary>e.g. <c>report-hanoi-1-week-2026-11-23</c>: the centre id kept to letters, digits and '-'.</summary>
    public static string FileName(CentreReport report)
    {
        var centre = new string(report.Centre.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return $"report-{centre}-{report.Period}-{report.FromDay}";
    }
}
