using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Fleet.Alerts;

namespace Edge.Fleet.Notifications;

/// <summary>
/// An alert's detail in Vietnamese from its kind and <see cref="Alert.Parameters"/>, worded as the dashboard words it
/// (the <c>detail.{kind}</c> texts of fleet/Web/Dashboard/i18n.js, with the same state and reason names); the fleet's
/// English sentence for an alert opened before it kept parameters or a kind without a text. Times in the centres' zone.
/// </summary>
public sealed partial class AlertDetailWording(TimeZoneInfo zone)
{
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        [AlertKinds.DeviceOffline] = "Mất kết nối từ {since} ({reason})",
        [AlertKinds.PrinterPaperOut] = "Máy in: {state}",
        [AlertKinds.PrinterCoverOpen] = "Máy in: {state}",
        [AlertKinds.PrinterOffline] = "Máy in: {state}",
        [AlertKinds.OutboxBacklog] = "{events} sự kiện chưa gửi, cũ nhất {oldestMinutes} phút",
        [AlertKinds.ClockUnsynced] = "Đồng hồ chưa đồng bộ sau {uptimeMinutes} phút hoạt động",
        [AlertKinds.DiskLow] = "Còn trống {freeMb} MB",
        [AlertKinds.CounterSilent] = "Không có đánh giá trong {hours} giờ làm việc",
        [AlertKinds.SequenceGap] = "Thiếu {missing} sự kiện (đến số {upTo})",
        [AlertKinds.DeviceDisk] = "Thiết bị không ghi được dữ liệu: {sentence}",
        [AlertKinds.StorageCorrupt] = "Tệp dữ liệu hỏng, đã cách ly: {sentence}",
        [AlertKinds.DeviceFault] = "Lỗi {fault}: {sentence}",
    };

    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["connected"] = "đang kết nối",
        ["disconnected"] = "đã ngắt kết nối",
        ["silent"] = "không có nhịp tim",
        ["never-seen"] = "chưa thấy",
    };

    private static readonly Dictionary<string, string> PrinterStates = new(StringComparer.Ordinal)
    {
        ["ok"] = "Bình thường",
        ["paper-near-end"] = "Sắp hết giấy",
        ["paper-out"] = "Hết giấy",
        ["cover-open"] = "Mở nắp",
        ["offline"] = "Không phản hồi",
        ["unknown"] = "Không rõ",
    };

    /// <summary>Vietnamese numbers: dot between thousands, comma before decimals (2,5 giờ; 1.234 sự kiện).</summary>
    private static readonly NumberFormatInfo Numbers = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };

    private static readonly string[] WholeNumbers =
        [AlertParameters.Events, AlertParameters.OldestMinutes, AlertParameters.UptimeMinutes, AlertParameters.FreeMb, AlertParameters.Missing, AlertParameters.UpTo];

    public string Vietnamese(Alert alert)
    {
        if (alert.Parameters is not { } parameters || !Templates.TryGetValue(alert.Kind, out var template))
        {
            return alert.Detail;
        }

        return Hole().Replace(template, m => parameters.TryGetValue(m.Groups[1].Value, out var value) ? Word(m.Groups[1].Value, value) : "");
    }

    private string Word(string name, string value) => name switch
    {
        AlertParameters.Since => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            ? TimeZoneInfo.ConvertTime(since, zone).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture)
            : value,
        AlertParameters.Reason => Reasons.GetValueOrDefault(value, value),
        AlertParameters.State => PrinterStates.GetValueOrDefault(value, value),
        AlertParameters.Hours => Number(value, "#,0.##"),
        _ when WholeNumbers.Contains(name) => Number(value, "#,0"),
        _ => value,
    };

    private static string Number(string value, string format) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number.ToString(format, Numbers) : value;

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Hole();
}
