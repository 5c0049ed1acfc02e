using Edge.Fleet.Alerts;
using Edge.Fleet.Notifications;

namespace Edge.Fleet.Tests.Notifications;

/// <summary>The Vietnamese detail of an alert e-mail, worded from the alert's kind and parameters as the dashboard words it.</summary>
public sealed class AlertDetailWordingTests
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.CreateCustomTimeZone("UTC+7", TimeSpan.FromHours(7), "UTC+7", "UTC+7");
    private static readonly DateTimeOffset Opened = new(2026, 11, 24, 2, 15, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(AlertKinds.DeviceOffline, "since=2026-11-24T02:10:00.0000000Z;reason=silent", "Mất kết nối từ 09:10 24/11/2026 (không có nhịp tim)")]
    [InlineData(AlertKinds.PrinterPaperOut, "state=paper-out", "Máy in: Hết giấy")]
    [InlineData(AlertKinds.CounterSilent, "hours=2.5", "Không có đánh giá trong 2,5 giờ làm việc")]
    [InlineData(AlertKinds.OutboxBacklog, "events=1234;oldestMinutes=17", "1.234 sự kiện chưa gửi, cũ nhất 17 phút")]
    [InlineData(AlertKinds.SequenceGap, "missing=3;upTo=120", "Thiếu 3 sự kiện (đến số 120)")]
    [InlineData(AlertKinds.DeviceFault, "fault=printer-jam;sentence=paper jammed at the cutter", "Lỗi printer-jam: paper jammed at the cutter")]
    public void A_kind_with_parameters_is_worded_in_Vietnamese(string kind, string parameters, string expected)
    {
        var alert = Alert(kind, "the fleet's English sentence") with { Parameters = Parse(parameters) };

        Assert.Equal(expected, new AlertDetailWording(Vietnam).Vietnamese(alert));
    }

    [Fact]
    public void An_alert_without_parameters_or_of_a_kind_without_a_text_keeps_the_fleets_sentence()
    {
        var wording = new AlertDetailWording(Vietnam);

        Assert.Equal("Offline since 02:10", wording.Vietnamese(Alert(AlertKinds.DeviceOffline, "Offline since 02:10")));
        Assert.Equal("Satisfaction 61% below 80%", wording.Vietnamese(Alert("satisfaction-below-target", "Satisfaction 61% below 80%") with { Parameters = Parse("x=1") }));
    }

    [Fact]
    public void The_e_mail_says_the_detail_in_Vietnamese_first_and_the_fleets_English_sentence_below()
    {
        var alert = Alert(AlertKinds.PrinterPaperOut, "Printer paper-out") with { Parameters = Parse("state=paper-out") };
        var message = new AlertMailComposer("edge@localhost", null, Vietnam)
            .Compose("lan@ubnd.gov.vn", [new QueuedMail("m1", "lan", "lan@ubnd.gov.vn", NoticeEvents.Opened, alert, 0, Opened)]);

        var body = message.TextBody ?? "";
        var vietnamese = body.IndexOf("  Chi tiết: Máy in: Hết giấy", StringComparison.Ordinal);
        var english = body.IndexOf("  Detail: Printer paper-out", StringComparison.Ordinal);
        Assert.True(vietnamese >= 0 && english > vietnamese, body);
    }

    private static Alert Alert(string kind, string detail) =>
        new("a1", "key", kind, Severities.Warning, "pi-01", "3", "Hà Đông", detail, Opened, null);

    private static Dictionary<string, string> Parse(string pairs) =>
        pairs.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
