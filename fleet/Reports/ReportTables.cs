using System.Globalization;

namespace Edge.Fleet.Reports;

/// <summary>
/// The report's tables and headline figures as text, Vietnamese first with English, in one place for the PDF and the
/// XLSX: both show the same rows with the same headings.
/// </summary>
public static class ReportTables
{
    public sealed record Table(string Title, IReadOnlyList<string> Headings, IReadOnlyList<IReadOnlyList<string>> Rows);

    public static string Title(CentreReport report) =>
        (report.Period == ReportPeriod.Month ? "Báo cáo tháng / Monthly report" : "Báo cáo tuần / Weekly report") + " · " + report.Centre;

    public static string Days(CentreReport report) => $"{Day(report.FromDay)} → {Day(report.ToDay)}";

    /// <summary>Headline figures, one "label: value" each (the end-to-end test reads them back from the PDF's text).</summary>
    public static IReadOnlyList<(string Label, string Value)> Headlines(CentreReport report) =>
    [
        ("Lượt đánh giá / Ratings", Count(report.Satisfaction.Total.Total)),
        ("Chỉ số hài lòng / Satisfaction index", ReportCharts.Percent(report.Satisfaction.Total.Index)),
        ("Mục tiêu / Target", ReportCharts.Percent(report.Satisfaction.Target)),
        ("Vé đã phát / Tickets issued", Count(report.Tickets.All.Issued)),
        ("Đã phục vụ / Served", Count(report.Tickets.All.Served)),
        ("Chờ trung bình / Average wait (min)", Minutes(report.Tickets.All.WaitAvgS)),
        ("Chờ P95 / 95th percentile wait (min)", Minutes(report.Tickets.All.WaitP95S)),
        ("Thiết bị hoạt động / Device availability", ReportCharts.Percent(report.Availability.Share)),
        ("Giờ làm việc / Opening hours", report.Availability.OpeningHours),
        ("Cảnh báo mới / Alerts opened", Count(report.Alerts.All.Opened)),
        ("Thời gian xử lý TB / Average time to resolve (min)", Number(report.Alerts.All.ResolveAvgMinutes)),
    ];

    public static IReadOnlyList<Table> All(CentreReport report) =>
    [
        Ratings("Hài lòng theo quầy / Satisfaction by counter", "Quầy / Counter", report.Satisfaction.ByCounter, report),
        Ratings("Hài lòng theo lĩnh vực / Satisfaction by field", "Lĩnh vực / Field", report.Satisfaction.ByField, report),
        new("Vé và thời gian chờ theo lĩnh vực / Tickets and waiting by field",
            ["Lĩnh vực / Field", "Phát / Issued", "Gọi / Called", "Phục vụ / Served", "Chờ TB / Avg wait (min)", "Chờ P95 / P95 wait (min)"],
            report.Tickets.ByField.Append(report.Tickets.All with { Key = "Tổng / total" })
                .Select(t => (IReadOnlyList<string>)[t.Key, Count(t.Issued), Count(t.Called), Count(t.Served), Minutes(t.WaitAvgS), Minutes(t.WaitP95S)]).ToList()),
        new("Thiết bị trong giờ làm việc / Devices in opening hours",
            ["Thiết bị / Device", "Quầy / Counter", "Vai trò / Role", "Phút mở cửa / Open min", "Trực tuyến / Online min", "Không rõ / Unknown min", "Tỉ lệ / Share"],
            report.Availability.Devices
                .Select(d => (IReadOnlyList<string>)[d.DeviceId, d.Counter, d.Role, Count(d.OpenMinutes), Count(d.OnlineMinutes), Count(d.UnknownMinutes), ReportCharts.Percent(d.Share)]).ToList()),
        new("Cảnh báo / Alerts",
            ["Loại / Kind", "Mở / Opened", "Đã xử lý / Resolved", "Còn mở / Still open", "Xử lý TB / Avg (min)", "Lâu nhất / Max (min)"],
            report.Alerts.ByKind.Append(report.Alerts.All with { Key = "Tổng / total" })
                .Select(a => (IReadOnlyList<string>)[a.Key, Count(a.Opened), Count(a.Resolved), Count(a.StillOpen), Number(a.ResolveAvgMinutes), Number(a.ResolveMaxMinutes)]).ToList()),
    ];

    private static Table Ratings(string title, string key, IReadOnlyList<Stats.RatingGroupView> groups, CentreReport report)
    {
        var levels = report.Satisfaction.Total.Levels.Select(l => l.Level).ToList();
        var headings = new List<string> { key, "Tổng / Total" };
        headings.AddRange(report.Satisfaction.Total.Levels.Select(l => l.Name ?? ("Mức / level " + l.Level)));
        headings.Add("Chỉ số / Index");
        return new Table(title, headings, groups.Append(report.Satisfaction.Total with { Key = "Tổng / total" }).Select(g =>
        {
            var row = new List<string> { g.Key, Count(g.Total) };
            row.AddRange(levels.Select(l => Count(g.ByLevel.GetValueOrDefault(l.ToString(CultureInfo.InvariantCulture)))));
            row.Add(ReportCharts.Percent(g.Index));
            return (IReadOnlyList<string>)row;
        }).ToList());
    }

    public static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds shown as minutes with one decimal, "—" for none.</summary>
    public static string Minutes(double? seconds) => seconds is { } s ? (s / 60).ToString("0.0", CultureInfo.InvariantCulture) : "—";

    public static string Number(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string Day(string day) => day.Length == 10 ? $"{day[8..10]}/{day[5..7]}/{day[..4]}" : day;
}
