using System.Globalization;
using System.Text;
using MimeKit;

namespace Edge.Fleet.Reports;

/// <summary>The e-mail of one report to one person: Vietnamese first, English below, the PDF attached.</summary>
public static class ReportMailComposer
{
    public static MimeMessage Compose(string from, string address, CentreReport report, byte[] pdf, string? dashboardUrl)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = $"[Edge] {ReportTables.Title(report)} · {ReportTables.Days(report)}";

        var text = new StringBuilder();
        text.AppendLine("Kính gửi anh/chị,").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Báo cáo của trung tâm {report.Centre} từ {ReportTables.Days(report)} được đính kèm (PDF).")
            .AppendLine();
        foreach (var (label, value) in ReportTables.Headlines(report))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {label}: {value}");
        }

        if (dashboardUrl is not null)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Biểu đồ / charts: {dashboardUrl.TrimEnd('/')}/reports.html?centre={Uri.EscapeDataString(report.Centre)}");
        }

        text.AppendLine().AppendLine("-----").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello, the report of centre {report.Centre} for {ReportTables.Days(report)} is attached (PDF).");

        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add(ReportEndpoints.FileName(report) + ".pdf", pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
