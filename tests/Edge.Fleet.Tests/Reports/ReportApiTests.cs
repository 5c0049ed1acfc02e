using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using Edge.Fleet.Reports;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using MimeKit;

namespace Edge.Fleet.Tests.Reports;

/// <summary>
/// Reports end to end on a real fleet: the JSON report against the statistics APIs, the PDF read back with poppler
/// (<c>pdftotext</c>, <c>pdftoppm</c>), the XLSX read back with ClosedXML, the SVG charts, who may see what, and the
/// scheduled e-mail at the SMTP sink.
/// </summary>
public sealed class ReportApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Query => $"period=week&from={ReportSite.Week.FirstDay.AddDays(2):yyyy-MM-dd}";

    private static string Days => $"from={ReportSite.Week.FromDay}&to={ReportSite.Week.ToDay}";

    [Fact]
    public async Task The_report_has_the_figures_of_the_statistics_APIs_in_JSON_PDF_XLSX_and_charts_for_the_centre_managers_only()
    {
        await using var site = await ReportSite.StartAsync();
        await CheckReportAsync(site);
    }

    /// <summary>The whole check on a started site (LiteDB here, PostgreSQL in <see cref="PostgresReportApiTests"/>).</summary>
    internal static async Task CheckReportAsync(ReportSite site)
    {
        await site.SendWeekAsync();
        await site.AddUserAsync("lan", "manager", [ReportSite.Centre], null);
        await site.AddUserAsync("binh", "manager", ["centre-s"], null);
        using var lan = await site.LoginAsync("lan");
        using var binh = await site.LoginAsync("binh");

        var report = await GetJsonAsync(lan, $"/api/v1/reports/{ReportSite.Centre}?{Query}");
        var ratings = await site.Fleet.GetJsonAsync($"/api/v1/stats/ratings/daily?centre={ReportSite.Centre}&{Days}&groupBy=counter");
        var queue = await site.Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={ReportSite.Centre}&{Days}");

        // Ratings: the known presses, and the same figures as the statistics API for the same days.
        Assert.Equal((ReportSite.Week.FromDay, ReportSite.Week.ToDay), (report.GetProperty("fromDay").GetString(), report.GetProperty("toDay").GetString()));
        var satisfaction = report.GetProperty("satisfaction");
        Assert.Equal(5, satisfaction.GetProperty("total").GetProperty("total").GetInt64());
        Assert.Equal(0.6, satisfaction.GetProperty("total").GetProperty("index").GetDouble());
        Assert.Equal(ratings.GetProperty("total").GetProperty("total").GetInt64(), satisfaction.GetProperty("total").GetProperty("total").GetInt64());
        Assert.Equal(Rows(ratings.GetProperty("groups")), Rows(satisfaction.GetProperty("byCounter")));
        Assert.Equal(0.9, satisfaction.GetProperty("target").GetDouble());
        var heat = satisfaction.GetProperty("heatmap");
        var monday = heat.GetProperty("days")[0];
        Assert.Equal(ReportSite.Week.FromDay, monday.GetProperty("day").GetString());
        Assert.Equal(5, monday.GetProperty("counts")[15 - heat.GetProperty("firstHour").GetInt32()].GetInt64());
        Assert.Equal(5, heat.GetProperty("days").EnumerateArray().SelectMany(d => d.GetProperty("counts").EnumerateArray()).Sum(c => c.GetInt64()));

        // Tickets: waits 300, 600, 1800 (Tư pháp) and 120 s (Đất đai); average as the queue statistics, p95 by nearest rank.
        var tickets = report.GetProperty("tickets");
        var all = tickets.GetProperty("all");
        Assert.Equal((5, 4, 2), (all.GetProperty("issued").GetInt32(), all.GetProperty("called").GetInt32(), all.GetProperty("served").GetInt32()));
        Assert.Equal(705, all.GetProperty("waitAvgS").GetDouble());
        Assert.Equal(1800, all.GetProperty("waitP95S").GetDouble());
        Assert.Equal(queue.GetProperty("all").GetProperty("issued").GetInt32(), all.GetProperty("issued").GetInt32());
        Assert.Equal(queue.GetProperty("all").GetProperty("served").GetInt32(), all.GetProperty("served").GetInt32());
        Assert.Equal(queue.GetProperty("all").GetProperty("waitAvgS").GetDouble(), all.GetProperty("waitAvgS").GetDouble());
        Assert.Equal(
            queue.GetProperty("byField").EnumerateArray().Select(f => (f.GetProperty("key").GetString(), f.GetProperty("issued").GetInt32(), f.GetProperty("waitAvgS").GetDouble())),
            tickets.GetProperty("byField").EnumerateArray().Select(f => (f.GetProperty("key").GetString(), f.GetProperty("issued").GetInt32(), f.GetProperty("waitAvgS").GetDouble())));
        var tuPhap = tickets.GetProperty("byField").EnumerateArray().Single(f => f.GetProperty("key").GetString() == "Tư pháp");
        Assert.Equal((900, 1800), (tuPhap.GetProperty("waitAvgS").GetDouble(), tuPhap.GetProperty("waitP95S").GetDouble()));

        // Both devices are listed for availability; last week's minutes are older than the kept heartbeats: unknown, no share.
        var devices = report.GetProperty("availability").GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(["counter-r1", "kiosk-r"], devices.Select(d => d.GetProperty("deviceId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(devices, d => Assert.Equal(d.GetProperty("openMinutes").GetInt32(), d.GetProperty("unknownMinutes").GetInt32() + d.GetProperty("onlineMinutes").GetInt32() + Offline(d)));
        Assert.Equal(0, report.GetProperty("alerts").GetProperty("all").GetProperty("opened").GetInt32());

        await CheckPdfAsync(site, lan, report, queue);
        await CheckXlsxAsync(lan, report);
        await CheckChartsAsync(lan);

        // Scope: another centre's manager is refused; bad parameters are named.
        Assert.Equal(HttpStatusCode.Forbidden, (await binh.GetAsync($"/api/v1/reports/{ReportSite.Centre}?{Query}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await binh.GetAsync($"/api/v1/reports/{ReportSite.Centre}/charts/heatmap?{Query}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await binh.GetAsync($"/api/v1/reports/centre-s?{Query}")).StatusCode);
        foreach (var (query, name) in new[] { ("period=year", "period"), ("from=25/11", "from"), ("format=docx", "format"), ("centre=x", "centre") })
        {
            using var bad = await lan.GetAsync($"/api/v1/reports/{ReportSite.Centre}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(name, await bad.Content.ReadAsStringAsync());
        }

        site.Fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task The_weekly_and_monthly_reports_are_mailed_once_to_the_centre_managers_with_the_PDF_even_after_a_restart()
    {
        await using var site = await ReportSite.StartAsync();
        await site.SendWeekAsync();
        await site.AddUserAsync("lan", "manager", [ReportSite.Centre], "lan@r.test");
        await site.AddUserAsync("minh", "manager", [ReportSite.Centre, "centre-s"], "minh@rs.test");
        await site.AddUserAsync("hoa", "manager", [ReportSite.Centre], null);
        await site.AddUserAsync("binh", "manager", ["centre-s"], "binh@s.test");
        await site.AddUserAsync("tuan", "technician", [], "tuan@t.test");

        // Last week's and last month's reports are due at once (the fleet catches up the latest period of each).
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(MailsTo(site, "lan@r.test").Count >= 2 && MailsTo(site, "minh@rs.test").Count >= 4
                && MailsTo(site, "binh@s.test").Count >= 2), Patience, "the report e-mails");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; {site.Sink.Messages.Count} e-mails at the sink; fleet:\n{site.Fleet.Output[^Math.Min(6000, site.Fleet.Output.Length)..]}", ex);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        await site.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));

        var lan = MailsTo(site, "lan@r.test");
        Assert.Equal(2, lan.Count);
        Assert.Single(lan, m => (m.Subject ?? "").Contains("Báo cáo tuần / Weekly report · centre-r", StringComparison.Ordinal));
        Assert.Single(lan, m => (m.Subject ?? "").Contains("Báo cáo tháng / Monthly report · centre-r", StringComparison.Ordinal));
        Assert.Equal(["centre-r", "centre-r", "centre-s", "centre-s"], MailsTo(site, "minh@rs.test").Select(CentreOf).Order(StringComparer.Ordinal));
        Assert.Equal(["centre-s", "centre-s"], MailsTo(site, "binh@s.test").Select(CentreOf));
        Assert.Empty(MailsTo(site, "tuan@t.test"));
        Assert.All(site.Sink.Messages, m => Assert.Single(m.Recipients));

        // The weekly e-mail carries the week's PDF with its figures.
        var weekly = lan.Single(m => (m.Subject ?? "").Contains("Weekly", StringComparison.Ordinal));
        var attachment = Assert.Single(weekly.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        var pdf = site.FileIn("mailed.pdf");
        await using (var file = File.Create(pdf))
        {
            await attachment.Content!.DecodeToAsync(file);
        }

        var text = await ExternalTool.RunAsync("pdftotext", ["-layout", pdf, "-"], TimeSpan.FromSeconds(60));
        Assert.Contains("Lượt đánh giá / Ratings: 5", text);
        Assert.Contains("Chỉ số hài lòng / Satisfaction index: 60.0%", text);
        Assert.Contains("Lượt đánh giá / Ratings: 5", weekly.TextBody);
        site.Fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_report_email_the_SMTP_server_refuses_is_counted_dead_lettered_for_administrators_and_sent_when_retried()
    {
        await using var site = await ReportSite.StartAsync("--Notifications:MaxAttempts=2");
        site.Sink.Refusing = true;
        await site.AddUserAsync("lan", "manager", [ReportSite.Centre], "lan@r.test");
        using var lan = await site.LoginAsync("lan");

        // Both reports due (week and month) fail twice each: two dead letters for lan, four failures counted.
        var letters = await Eventually.ReturnsAsync(
            async () => (await site.Fleet.GetJsonAsync("/api/v1/notifications/dead-letters")).EnumerateArray()
                .Where(l => l.GetProperty("channel").GetString() == "report-mail").ToList(),
            l => l.Count == 2, Patience, "the two report e-mails to be dead-lettered");
        Assert.All(letters, l => Assert.Equal(("lan", "report", 2), (l.GetProperty("recipient").GetString(), l.GetProperty("event").GetString(), l.GetProperty("attempts").GetInt32())));
        Assert.All(letters, l => Assert.Contains("421", l.GetProperty("lastError").GetString(), StringComparison.Ordinal));
        Assert.Contains(letters, l => l.GetProperty("id").GetString() == $"{ReportSite.Centre}/week/{ReportSite.Week.FromDay}/lan");
        var metrics = await site.Fleet.Http.GetStringAsync("/metrics");
        Assert.Contains("edge_report_mail_total{outcome=\"failed\"} 4", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_report_mail_total{outcome=\"sent\"} 0", metrics, StringComparison.Ordinal);
        Assert.Empty(site.Sink.Messages);
        Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync("/api/v1/notifications/dead-letters")).StatusCode);

        // The administrator retries the weekly one: it is sent, leaves the list and is counted; the monthly one stays.
        site.Sink.Refusing = false;
        var weekly = letters.Single(l => l.GetProperty("id").GetString()!.Contains("/week/", StringComparison.Ordinal)).GetProperty("id").GetString();
        using (var retry = await site.Fleet.Http.PostAsJsonAsync("/api/v1/notifications/dead-letters/retry", new { channel = "report-mail", id = weekly }))
        {
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(MailsTo(site, "lan@r.test").Count == 1), Patience, "the retried weekly report");
        Assert.Contains("Weekly", MailsTo(site, "lan@r.test").Single().Subject, StringComparison.Ordinal);
        var left = (await site.Fleet.GetJsonAsync("/api/v1/notifications/dead-letters")).EnumerateArray()
            .Where(l => l.GetProperty("channel").GetString() == "report-mail").Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(weekly, left);
        Assert.Single(left);
        Assert.Contains("edge_report_mail_total{outcome=\"sent\"} 1", await site.Fleet.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        using (var again = await site.Fleet.Http.PostAsJsonAsync("/api/v1/notifications/dead-letters/retry", new { channel = "report-mail", id = weekly }))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
    }

    private static async Task CheckPdfAsync(ReportSite site, HttpClient client, JsonElement report, JsonElement queue)
    {
        using var response = await client.GetAsync($"/api/v1/reports/{ReportSite.Centre}?{Query}&format=pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var pdf = site.FileIn("report.pdf");
        await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync());

        var text = await ExternalTool.RunAsync("pdftotext", ["-layout", pdf, "-"], TimeSpan.FromSeconds(60));
        var all = report.GetProperty("tickets").GetProperty("all");
        Assert.Contains("Báo cáo tuần / Weekly report · centre-r", text);
        Assert.Contains($"Lượt đánh giá / Ratings: {report.GetProperty("satisfaction").GetProperty("total").GetProperty("total").GetInt64()}", text);
        Assert.Contains("Chỉ số hài lòng / Satisfaction index: 60.0%", text);
        Assert.Contains($"Vé đã phát / Tickets issued: {queue.GetProperty("all").GetProperty("issued").GetInt32()}", text);
        Assert.Contains($"Đã phục vụ / Served: {queue.GetProperty("all").GetProperty("served").GetInt32()}", text);
        Assert.Contains($"Chờ trung bình / Average wait (min): {ReportTables.Minutes(queue.GetProperty("all").GetProperty("waitAvgS").GetDouble())}", text);
        Assert.Contains($"Chờ P95 / 95th percentile wait (min): {ReportTables.Minutes(all.GetProperty("waitP95S").GetDouble())}", text);
        Assert.Contains("Tư pháp", text);
        Assert.Contains("Đất đai", text);
        Assert.Contains("Rất hài lòng", text);
        Assert.Contains("Mục tiêu / target 90.0%", text);

        // Rendered to images: every page, none blank (a page of text alone is a few kilobytes of PNG).
        var prefix = site.FileIn("page");
        await ExternalTool.RunAsync("pdftoppm", ["-png", "-r", "60", pdf, prefix], TimeSpan.FromSeconds(120));
        var pages = Directory.GetFiles(Path.GetDirectoryName(prefix)!, "page*.png");
        Assert.True(pages.Length >= 2, $"{pages.Length} pages");
        Assert.All(pages, p => Assert.True(new FileInfo(p).Length > 3000, $"{p}: {new FileInfo(p).Length} bytes"));

        // The pictures of docs/reports.md: EDGE_SCREENSHOTS=$PWD/docs dotnet test ... --filter FullyQualifiedName~ReportApiTests.The_report
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } docs)
        {
            await ExternalTool.RunAsync("pdftoppm", ["-png", "-r", "90", pdf, Path.Combine(docs, "report-page")], TimeSpan.FromSeconds(120));
        }
    }

    private static async Task CheckXlsxAsync(HttpClient client, JsonElement report)
    {
        using var response = await client.GetAsync($"/api/v1/reports/{ReportSite.Centre}?{Query}&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));

        var summary = workbook.Worksheet(ReportXlsxWriter.SummarySheet);
        double Figure(string label) => summary.RowsUsed().Single(r => r.Cell(1).GetString() == label).Cell(2).GetDouble();
        var total = report.GetProperty("satisfaction").GetProperty("total");
        Assert.Equal(total.GetProperty("total").GetInt64(), Figure("Lượt đánh giá / Ratings"));
        Assert.Equal(total.GetProperty("index").GetDouble(), Figure("Chỉ số hài lòng / Satisfaction index"), 3);
        Assert.Equal(report.GetProperty("tickets").GetProperty("all").GetProperty("issued").GetInt32(), Figure("Vé đã phát / Tickets issued"));

        var byField = workbook.Worksheets.Single(w => w.Name.StartsWith("3 ", StringComparison.Ordinal));
        foreach (var field in report.GetProperty("tickets").GetProperty("byField").EnumerateArray())
        {
            var row = byField.RowsUsed().Single(r => r.Cell(1).GetString() == field.GetProperty("key").GetString());
            Assert.Equal(field.GetProperty("issued").GetInt32(), row.Cell(2).GetDouble());
            Assert.Equal(field.GetProperty("served").GetInt32(), row.Cell(4).GetDouble());
            Assert.Equal(Math.Round(field.GetProperty("waitAvgS").GetDouble() / 60, 1), row.Cell(5).GetDouble(), 3);
        }
    }

    private static async Task CheckChartsAsync(HttpClient client)
    {
        var satisfaction = await client.GetStringAsync($"/api/v1/reports/{ReportSite.Centre}/charts/satisfaction?{Query}");
        var heatmap = await client.GetStringAsync($"/api/v1/reports/{ReportSite.Centre}/charts/heatmap?{Query}");
        var availability = await client.GetStringAsync($"/api/v1/reports/{ReportSite.Centre}/charts/availability?{Query}");

        Assert.StartsWith("<svg", satisfaction);
        Assert.Contains("Mục tiêu / target 90.0%", satisfaction);
        // One day with ratings: one point, below the target (orange), no line to draw.
        Assert.Single(satisfaction.Split("<circle").Skip(1));
        Assert.Contains("fill=\"#ef6c00\"/>", satisfaction);
        Assert.Contains(">5</text>", heatmap);
        Assert.Contains("15h", heatmap);
        Assert.Contains("counter-r1 (quầy 1)", availability);
        using var unknown = await client.GetAsync($"/api/v1/reports/{ReportSite.Centre}/charts/pie?{Query}");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<(string?, long)> Rows(JsonElement groups) =>
        [.. groups.EnumerateArray().Select(g => (g.GetProperty("key").GetString(), g.GetProperty("total").GetInt64()))];

    private static int Offline(JsonElement device) =>
        device.GetProperty("openMinutes").GetInt32() - device.GetProperty("unknownMinutes").GetInt32() - device.GetProperty("onlineMinutes").GetInt32();

    private static List<MimeMessage> MailsTo(ReportSite site, string address) =>
        [.. site.Sink.Messages.Where(m => m.Recipients.Contains(address)).Select(m => MimeMessage.Load(new MemoryStream(m.Data)))];

    private static string CentreOf(MimeMessage message) => (message.Subject ?? "").Contains("· centre-s", StringComparison.Ordinal) ? "centre-s" : "centre-r";
}
