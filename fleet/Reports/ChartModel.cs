using System.Globalization;

namespace Edge.Fleet.Reports;

/// <summary>
/// What a chart shows, without how it is drawn: <see cref="ChartPainter"/> draws it on an <see cref="IChartCanvas"/>
/// (SVG for the dashboard, PDFsharp's XGraphics for the PDF), so both show the same figures the same way.
/// </summary>
public abstract record ChartModel(string Title, double Width, double Height);

/// <summary>Shares (0..1) per day, null where there is nothing to show, with a target line.</summary>
public sealed record LineChartModel(string Title, IReadOnlyList<string> Labels, IReadOnlyList<double?> Values, double Target)
    : ChartModel(Title, 720, 260);

/// <summary>Counts per row (day) and column (hour), darker for more.</summary>
public sealed record HeatmapChartModel(string Title, IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<long>> Cells)
    : ChartModel(Title, 720, 60 + 16 * Math.Max(1, Rows.Count));

/// <summary>Shares (0..1) per item as horizontal bars, null drawn as "—".</summary>
public sealed record BarChartModel(string Title, IReadOnlyList<string> Labels, IReadOnlyList<double?> Values, double Target)
    : ChartModel(Title, 720, 50 + 22 * Math.Max(1, Labels.Count));

/// <summary>The report's three charts (issue 16 item 6).</summary>
public static class ReportCharts
{
    public const string Satisfaction = "satisfaction";
    public const string Heatmap = "heatmap";
    public const string Availability = "availability";

    public static readonly string[] Names = [Satisfaction, Heatmap, Availability];

    public static ChartModel? Of(CentreReport report, string name) => name switch
    {
        Satisfaction => SatisfactionOverTime(report),
        Heatmap => RatingsPerHour(report),
        Availability => DeviceAvailability(report),
        _ => null,
    };

    public static LineChartModel SatisfactionOverTime(CentreReport report) => new(
        "Mức độ hài lòng theo ngày / Satisfaction by day",
        report.Satisfaction.ByDay.Select(d => ShortDay(d.Key)).ToList(),
        report.Satisfaction.ByDay.Select(d => d.Index).ToList(),
        report.Satisfaction.Target);

    public static HeatmapChartModel RatingsPerHour(CentreReport report)
    {
        var heatmap = report.Satisfaction.Heatmap;
        return new HeatmapChartModel(
            "Lượt đánh giá theo giờ / Ratings per hour",
            heatmap.Days.Select(d => ShortDay(d.Day)).ToList(),
            Enumerable.Range(heatmap.FirstHour, heatmap.LastHour - heatmap.FirstHour + 1).Select(h => h.ToString("00", CultureInfo.InvariantCulture) + "h").ToList(),
            heatmap.Days.Select(d => d.Counts).ToList());
    }

    public static BarChartModel DeviceAvailability(CentreReport report) => new(
        "Thiết bị hoạt động trong giờ làm việc / Device availability in opening hours",
        report.Availability.Devices.Select(d => string.IsNullOrEmpty(d.Counter) ? d.DeviceId : $"{d.DeviceId} (quầy {d.Counter})").ToList(),
        report.Availability.Devices.Select(d => d.Share).ToList(),
        0.98);

    /// <summary>dd/MM, as Vietnamese dates are written.</summary>
    public static string ShortDay(string day) => day.Length == 10 ? $"{day[8..10]}/{day[5..7]}" : day;

    /// <summary>A share as a percentage with one decimal ("92.5%"), "—" for none.</summary>
    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
}
