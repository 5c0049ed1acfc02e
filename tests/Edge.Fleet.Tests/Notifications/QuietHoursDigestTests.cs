using System.Globalization;
using Edge.Fleet.Alerts;
using Edge.Testing;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Tests.Notifications;

/// <summary>Quiet hours end to end: what happens in them is held and sent as one digest when they end.</summary>
public sealed class QuietHoursDigestTests
{
    [Fact]
    public async Task Alerts_in_a_centres_quiet_hours_are_held_and_sent_as_one_digest_when_they_end()
    {
        // Quiet hours for centre-q that end at the first whole minute at least 25 s from now (centre time).
        Assert.True(CentreClock.TryFindZone("Asia/Ho_Chi_Minh", out var zone));
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).AddSeconds(25);
        var end = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, local.Offset).AddMinutes(1);
        var quiet = $"{end.AddHours(-3).ToString("HH:mm", CultureInfo.InvariantCulture)}-{end.ToString("HH:mm", CultureInfo.InvariantCulture)}";
        await using var site = await AlertFleet.StartAsync($"--Notifications:Centres:centre-q:QuietHours={quiet}");
        await site.AddUserAsync("quyen", "manager", ["centre-q"], "quyen@q.test");
        await site.AddUserAsync("an", "manager", ["centre-r"], "an@r.test");
        foreach (var device in new[] { "dev-q1", "dev-q2" })
        {
            await site.ConnectAsync("centre-q", device);
        }

        await site.ConnectAsync("centre-r", "dev-r");

        foreach (var device in new[] { "dev-q1", "dev-q2", "dev-r" })
        {
            await site.DisconnectAsync(device);
        }

        // centre-r has no quiet hours: its manager hears at once; centre-q's waits.
        await Eventually.TrueAsync(() => Task.FromResult(site.MailsTo("an@r.test").Count == 1), TimeSpan.FromSeconds(30), "centre-r's e-mail");
        await Eventually.TrueAsync(async () => (await site.AlertsAsync("dev-q1", open: true)).Count == 1 && (await site.AlertsAsync("dev-q2", open: true)).Count == 1,
            TimeSpan.FromSeconds(30), "both alerts of centre-q");
        Assert.True(DateTimeOffset.UtcNow < end, "the quiet hours ended before the alerts opened; the machine is too slow for this test");
        Assert.Empty(site.MailsTo("quyen@q.test"));

        var digest = (await Eventually.ReturnsAsync(() => Task.FromResult(site.MailsTo("quyen@q.test")), m => m.Count >= 1,
            end - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30), "the digest after the quiet hours")).Single();
        Assert.True(DateTimeOffset.UtcNow >= end);
        Assert.Contains("Tổng hợp 2 thông báo", digest.Subject);
        Assert.Contains("dev-q1", digest.TextBody);
        Assert.Contains("dev-q2", digest.TextBody);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(site.MailsTo("quyen@q.test"));
    }
}
