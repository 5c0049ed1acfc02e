using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Notifications;

/// <summary>
/// Alert e-mails end to end: a real fleet, devices provisioned by claim code, the real MailKit client and an SMTP sink
/// on loopback. Each test uses centres and people of its own, so they share one fleet.
/// </summary>
public sealed class AlertMailTests(AlertMailTests.SharedFleet site) : IClassFixture<AlertMailTests.SharedFleet>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private AlertFleet Site => site.Site;

    [Fact]
    public async Task An_offline_device_of_centre_A_mails_centre_A_managers_once_when_opened_and_once_when_resolved()
    {
        await Site.AddUserAsync("lan", "manager", ["centre-a"], "lan@a.test");
        await Site.AddUserAsync("minh", "manager", ["centre-a"], "minh@a.test");
        await Site.AddUserAsync("hoa", "manager", ["centre-a"], null);
        await Site.AddUserAsync("binh", "manager", ["centre-b"], "binh@b.test");
        await Site.AddUserAsync("tuan", "technician", [], "tuan@t.test");
        await Site.ConnectAsync("centre-a", "dev-a");
        await Site.ConnectAsync("centre-b", "dev-b");

        await Site.DisconnectAsync("dev-a");
        await Eventually.TrueAsync(() => Task.FromResult(Site.MailsTo("lan@a.test").Count + Site.MailsTo("minh@a.test").Count >= 2), Patience, "the opened e-mails");
        await Task.Delay(TimeSpan.FromSeconds(3));

        foreach (var address in new[] { "lan@a.test", "minh@a.test" })
        {
            var opened = Assert.Single(Site.MailsTo(address));
            Assert.Contains("Cảnh báo: Thiết bị mất kết nối", opened.Subject);
            Assert.Contains("Alert: Device offline", opened.Subject);
            Assert.Contains("dev-a", opened.Subject);
            var body = opened.TextBody ?? "";
            Assert.True(body.IndexOf("Trung tâm: centre-a", StringComparison.Ordinal) is >= 0 and var vi
                && body.IndexOf("Centre: centre-a", StringComparison.Ordinal) > vi, body);
            Assert.Equal("edge@fleet.test", opened.From.Mailboxes.Single().Address);
        }

        Assert.Empty(Site.MailsTo("binh@b.test"));
        Assert.Empty(Site.MailsTo("tuan@t.test"));
        Assert.All(Site.Sink.Messages, m => Assert.Single(m.Recipients));

        await Site.ConnectAsync("centre-a", "dev-a");
        await Eventually.TrueAsync(() => Task.FromResult(Site.MailsTo("lan@a.test").Count + Site.MailsTo("minh@a.test").Count >= 4), Patience, "the resolved e-mails");
        await Task.Delay(TimeSpan.FromSeconds(3));

        foreach (var address in new[] { "lan@a.test", "minh@a.test" })
        {
            var mails = Site.MailsTo(address);
            Assert.Equal(2, mails.Count);
            Assert.Contains("Đã xử lý: Thiết bị mất kết nối", mails[1].Subject);
            Assert.Contains("(hết tình trạng)", mails[1].TextBody);
        }

        Assert.Empty(Site.MailsTo("binh@b.test"));
        Assert.Empty(Site.MailsTo("tuan@t.test"));
        Site.Fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task People_acknowledge_assign_comment_and_resolve_an_alert_within_their_centres_and_its_history_and_the_audit_say_who()
    {
        await Site.AddUserAsync("vy", "manager", ["centre-w"], "vy@w.test");
        await Site.AddUserAsync("quang", "manager", ["centre-x"], null);
        await Site.AddUserAsync("tam", "technician", [], null);
        using var vy = await Site.LoginAsync("vy");
        using var quang = await Site.LoginAsync("quang");
        await Site.ConnectAsync("centre-w", "dev-w");
        await Site.DisconnectAsync("dev-w");
        var id = (await Eventually.ReturnsAsync(() => Site.AlertsAsync("dev-w", open: true), a => a.Count == 1, Patience, "the offline alert"))
            .Single().GetProperty("id").GetString()!;

        using (var other = await quang.PostAsync($"/api/v1/alerts/{id}/acknowledge", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await quang.GetAsync($"/api/v1/alerts/{id}")).StatusCode);
        var acknowledged = await PostOkAsync(vy, $"/api/v1/alerts/{id}/acknowledge", null);
        Assert.Equal("vy", acknowledged.GetProperty("alert").GetProperty("acknowledgedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await vy.PostAsync($"/api/v1/alerts/{id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await vy.PostAsJsonAsync($"/api/v1/alerts/{id}/assign", new { user = "quang" })).StatusCode);
        Assert.Equal("tam", (await PostOkAsync(vy, $"/api/v1/alerts/{id}/assign", new { user = "tam" })).GetProperty("alert").GetProperty("assignedTo").GetString());
        await PostOkAsync(vy, $"/api/v1/alerts/{id}/comments", new { text = "Đã gọi kỹ thuật viên" });
        Assert.Equal(HttpStatusCode.BadRequest, (await vy.PostAsJsonAsync($"/api/v1/alerts/{id}/comments", new { text = "" })).StatusCode);
        var resolved = await PostOkAsync(vy, $"/api/v1/alerts/{id}/resolve", new { text = "đã thay nguồn" });
        Assert.Equal("vy", resolved.GetProperty("alert").GetProperty("resolvedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await vy.PostAsync($"/api/v1/alerts/{id}/resolve", null)).StatusCode);

        // The device is still offline: the condition returns and opens a new alert that reopens the one resolved by hand.
        var reopened = (await Eventually.ReturnsAsync(() => Site.AlertsAsync("dev-w", open: true), a => a.Count == 1, Patience, "the alert to reopen")).Single();
        Assert.Equal(id, reopened.GetProperty("reopens").GetString());
        Assert.NotEqual(id, reopened.GetProperty("id").GetString());

        var detail = await vy.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}");
        Assert.Equal(
            [("vy", "acknowledged", (string?)null), ("vy", "assigned", "tam"), ("vy", "commented", "Đã gọi kỹ thuật viên"), ("vy", "resolved", "đã thay nguồn")],
            detail.GetProperty("history").EnumerateArray().Select(h => (h.GetProperty("actor").GetString(), h.GetProperty("action").GetString(),
                h.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null)));
        var audit = await Site.Fleet.GetJsonAsync("/api/v1/audit?limit=1000");
        var work = audit.EnumerateArray().Where(e => e.TryGetProperty("subject", out var subject) && subject.GetString() == id)
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString())).Reverse().ToList();
        Assert.Equal([("vy", "alert.acknowledged"), ("vy", "alert.assigned"), ("vy", "alert.commented"), ("vy", "alert.resolved")], work);

        // The person's resolve and the reopening each mailed vy (in one digest when they were pending together).
        var reopenedId = reopened.GetProperty("id").GetString();
        string VyReads() => string.Join("\n", Site.MailsTo("vy@w.test").Select(m => m.TextBody));
        await Eventually.TrueAsync(() => Task.FromResult(VyReads().Contains("do vy xử lý", StringComparison.Ordinal)
            && VyReads().Contains($"Alert id: {reopenedId}", StringComparison.Ordinal)), Patience, "vy's e-mails of the resolve and the reopening");
    }

    [Fact]
    public async Task With_the_SMTP_server_down_an_email_is_retried_then_dead_lettered_for_administrators_and_sent_when_retried()
    {
        await Site.AddUserAsync("dung", "manager", ["centre-d"], "dung@d.test");
        using var dung = await Site.LoginAsync("dung");
        await Site.ConnectAsync("centre-d", "dev-d");
        Site.Sink.Refusing = true;
        try
        {
            var refusedBefore = Site.Sink.RefusedConnections;
            await Site.DisconnectAsync("dev-d");

            var letter = await Eventually.ReturnsAsync(
                async () => (await Site.Fleet.GetJsonAsync("/api/v1/notifications/dead-letters")).EnumerateArray()
                    .FirstOrDefault(l => l.GetProperty("recipient").ValueKind == JsonValueKind.String && l.GetProperty("recipient").GetString() == "dung@d.test"),
                l => l.ValueKind == JsonValueKind.Object, Patience, "the e-mail to be dead-lettered");

            Assert.Equal("mail", letter.GetProperty("channel").GetString());
            Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
            Assert.Contains("421", letter.GetProperty("lastError").GetString());
            Assert.True(Site.Sink.RefusedConnections - refusedBefore >= 3);
            Assert.Empty(Site.MailsTo("dung@d.test"));
            Assert.Equal(HttpStatusCode.Forbidden, (await dung.GetAsync("/api/v1/notifications/dead-letters")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden,
                (await dung.PostAsJsonAsync("/api/v1/notifications/dead-letters/retry", new { channel = "mail", id = letter.GetProperty("id").GetString() })).StatusCode);

            Site.Sink.Refusing = false;
            using var retry = await Site.Fleet.Http.PostAsJsonAsync("/api/v1/notifications/dead-letters/retry",
                new { channel = "mail", id = letter.GetProperty("id").GetString() });
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);

            var mail = (await Eventually.ReturnsAsync(() => Task.FromResult(Site.MailsTo("dung@d.test")), m => m.Count >= 1, Patience, "the retried e-mail")).Single();
            Assert.Contains("dev-d", mail.Subject);
            Assert.DoesNotContain((await Site.Fleet.GetJsonAsync("/api/v1/notifications/dead-letters")).EnumerateArray(),
                l => l.GetProperty("id").GetString() == letter.GetProperty("id").GetString());
        }
        finally
        {
            Site.Sink.Refusing = false;
        }
    }

    private static async Task<JsonElement> PostOkAsync(HttpClient client, string path, object? body)
    {
        using var response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>One fleet for the tests of this class: e-mails retried quickly (3 attempts, 0.3 s apart at first).</summary>
    public sealed class SharedFleet : IAsyncLifetime
    {
        public AlertFleet Site { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Site = await AlertFleet.StartAsync("--Notifications:MaxAttempts=3", "--Notifications:RetryAfterSeconds=0.3");

        public async Task DisposeAsync() => await Site.DisposeAsync();
    }
}
