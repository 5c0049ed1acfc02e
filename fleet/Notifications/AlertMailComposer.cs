using System.Globalization;
using System.Text;
using Edge.Fleet.Alerts;
using MimeKit;

namespace Edge.Fleet.Notifications;

/// <summary>
/// One e-mail for one recipient from the transitions queued for them: a single alert, or a digest of several.
/// Vietnamese first (the detail worded from the alert's kind and parameters), English below; times in the centres' time zone.
/// </summary>
public sealed class AlertMailComposer(string from, string? dashboardUrl, TimeZoneInfo zone)
{
    private static readonly Dictionary<string, (string Vi, string En)> KindNames = new(StringComparer.Ordinal)
    {
        [AlertKinds.DeviceOffline] = ("Thiết bị mất kết nối", "Device offline"),
        [AlertKinds.PrinterPaperOut] = ("Máy in hết giấy", "Printer out of paper"),
        [AlertKinds.PrinterCoverOpen] = ("Nắp máy in đang mở", "Printer cover open"),
        [AlertKinds.PrinterOffline] = ("Máy in không phản hồi", "Printer not responding"),
        [AlertKinds.OutboxBacklog] = ("Dữ liệu tồn đọng trên thiết bị", "Events waiting on the device"),
        [AlertKinds.ClockUnsynced] = ("Đồng hồ thiết bị chưa đồng bộ", "Device clock not synchronised"),
        [AlertKinds.DiskLow] = ("Sắp hết dung lượng lưu trữ", "Disk space low"),
        [AlertKinds.CounterSilent] = ("Quầy không có đánh giá", "No ratings at the counter"),
        [AlertKinds.SequenceGap] = ("Thiếu dữ liệu từ thiết bị", "Events missing from a device"),
        [AlertKinds.DeviceDisk] = ("Lỗi ghi dữ liệu trên thiết bị", "Device cannot write its data"),
        [AlertKinds.StorageCorrupt] = ("Dữ liệu thiết bị bị hỏng", "Device storage damaged"),
        [AlertKinds.DeviceFault] = ("Thiết bị báo lỗi", "Device fault"),
        ["satisfaction-below-target"] = ("Mức độ hài lòng dưới chỉ tiêu", "Satisfaction below target"),
    };

    private readonly AlertDetailWording _wording = new(zone);

    public MimeMessage Compose(string address, IReadOnlyList<QueuedMail> mails)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(address));
        var ordered = mails.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
        message.Subject = ordered.Count == 1 ? SingleSubject(ordered[0]) : $"[Edge] Tổng hợp {ordered.Count} thông báo cảnh báo / Digest of {ordered.Count} alert notifications";

        var body = new StringBuilder();
        body.AppendLine(ordered.Count == 1 ? "Kính gửi anh/chị," : $"Kính gửi anh/chị, có {ordered.Count} thông báo cảnh báo:").AppendLine();
        foreach (var mail in ordered)
        {
            AppendVietnamese(body, mail);
        }

        if (dashboardUrl is not null)
        {
            body.AppendLine($"Xem và xử lý trên bảng điều khiển: {dashboardUrl}");
        }

        body.AppendLine().AppendLine("-----").AppendLine()
            .AppendLine(ordered.Count == 1 ? "Hello," : $"Hello, there are {ordered.Count} alert notifications:").AppendLine();
        foreach (var mail in ordered)
        {
            AppendEnglish(body, mail);
        }

        if (dashboardUrl is not null)
        {
            body.AppendLine($"See and work on them in the dashboard: {dashboardUrl}");
        }

        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }

    private static string SingleSubject(QueuedMail mail)
    {
        var (vi, en) = Name(mail.Alert.Kind);
        var subject = Subject(mail.Alert);
        return mail.Event == NoticeEvents.Resolved
            ? $"[Edge] Đã xử lý: {vi} — {subject} / Resolved: {en}"
            : $"[Edge] Cảnh báo: {vi} — {subject} / Alert: {en}";
    }

    private void AppendVietnamese(StringBuilder body, QueuedMail mail)
    {
        var a = mail.Alert;
        var (vi, _) = Name(a.Kind);
        body.AppendLine(mail.Event == NoticeEvents.Resolved ? $"• ĐÃ XỬ LÝ: {vi}" : $"• CẢNH BÁO ({(a.Severity == Severities.Critical ? "nghiêm trọng" : "lưu ý")}): {vi}");
        body.AppendLine($"  Trung tâm: {a.Centre ?? "—"}; quầy: {a.Counter ?? "—"}; thiết bị: {a.DeviceId ?? "—"}");
        body.AppendLine($"  Bắt đầu lúc: {Local(a.OpenedAt)}");
        if (mail.Event == NoticeEvents.Resolved && a.ResolvedAt is { } resolved)
        {
            body.AppendLine($"  Kết thúc lúc: {Local(resolved)}{(a.ResolvedBy is { } by ? $" (do {by} xử lý)" : " (hết tình trạng)")}");
        }

        body.AppendLine($"  Chi tiết: {_wording.Vietnamese(a)}").AppendLine();
    }

    private void AppendEnglish(StringBuilder body, QueuedMail mail)
    {
        var a = mail.Alert;
        var (_, en) = Name(a.Kind);
        body.AppendLine(mail.Event == NoticeEvents.Resolved ? $"• RESOLVED: {en}" : $"• ALERT ({a.Severity}): {en}");
        body.AppendLine($"  Centre: {a.Centre ?? "-"}; counter: {a.Counter ?? "-"}; device: {a.DeviceId ?? "-"}");
        body.AppendLine($"  Since: {Local(a.OpenedAt)}");
        if (mail.Event == NoticeEvents.Resolved && a.ResolvedAt is { } resolved)
        {
            body.AppendLine($"  Resolved: {Local(resolved)}{(a.ResolvedBy is { } by ? $" (by {by})" : " (the condition ended)")}");
        }

        body.AppendLine($"  Detail: {a.Detail}").AppendLine($"  Alert id: {a.Id}").AppendLine();
    }

    private static string Subject(Alert a) =>
        $"{a.DeviceId ?? (a.Counter is null ? "" : $"quầy {a.Counter}")} ({a.Centre ?? "?"})";

    private static (string Vi, string En) Name(string kind) => KindNames.GetValueOrDefault(kind, (kind, kind));

    private string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);
}
