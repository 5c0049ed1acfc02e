using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Testing;
using Edge.Wire;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The technicians' and administrators' pages in a real headless Chromium against a fleet as shipped (device
/// authentication on) and real simulated device processes: enrol → label with its QR code → a device provisions from
/// the label's <c>edge-claim.txt</c> in its boot folder → online on the overview; commands and the device's log from
/// its page; an alert acknowledged and resolved; a token revoked and refused by the API.
/// With <c>EDGE_SCREENSHOTS=$PWD/docs</c> each page is saved as a PNG there.
/// </summary>
public sealed partial class TechnicianPagesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TechnicianSite.Wait;
    private TechnicianSite _site = null!;

    public async Task InitializeAsync() => _site = await TechnicianSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task Enrolled_from_the_page_a_device_provisions_from_its_label_file_appears_online_and_answers_identify_and_log_tail()
    {
        var browser = await _site.OpenAsync("/enrol");
        await _site.TypeAsync("#enrol-centre", "hcc-7");
        await _site.TypeAsync("#enrol-counter", "3");
        await _site.TypeAsync("#enrol-device", "pi-label");
        await _site.ClickAsync("#enrol-submit");
        await browser.WaitUntilAsync(
            "const img = document.getElementById('claim-qr'); return !!img && img.complete && img.naturalWidth > 100",
            Wait, "the claim code's label with its QR code drawn");
        var code = await _site.TextAsync("#claim-code");
        Assert.Matches(ClaimCodePattern(), code);
        var claimFile = (await browser.ExecuteAsync("return document.getElementById('claim-file').textContent")).GetString()!;
        var claim = ClaimFile.Parse(claimFile, out var problem);
        Assert.True(claim is not null, problem);
        Assert.Equal(code, claim.Code);
        Assert.Equal(_site.Fleet.BaseUrl.ToString().TrimEnd('/'), claim.Fleet!.ToString().TrimEnd('/'));
        Assert.Contains("pi-label", await _site.TextAsync("#claim-label"));
        Assert.Contains("hcc-7", await _site.TextAsync("#open-enrolments"));
        await _site.ScreenshotAsync("dashboard-enrol.png");

        // The QR endpoint draws only claim files with a code, for technicians.
        using (var svg = await _site.Fleet.Http.PostAsJsonAsync("/api/v1/enrolments/qr.svg", new { claimFile }))
        {
            Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
            Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
            Assert.Contains("<svg", await svg.Content.ReadAsStringAsync());
        }

        using (var refused = await _site.Fleet.Http.PostAsJsonAsync("/api/v1/enrolments/qr.svg", new { claimFile = "hello=world" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var anonymous = _site.Fleet.CreateClient(withToken: false))
        using (var unauthorized = await anonymous.PostAsJsonAsync("/api/v1/enrolments/qr.svg", new { claimFile }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        // The Pi: the label's file on its boot partition, no code typed anywhere.
        var boot = _site["boot"];
        Directory.CreateDirectory(boot);
        await File.WriteAllTextAsync(Path.Combine(boot, ClaimFile.FileName), claimFile);
        await _site.StartDeviceAsync("pi-label", "--Device:Counter=3", $"--Provisioning:ClaimFileFolders:0={boot}");

        await _site.OpenAsync("/");
        await browser.WaitUntilAsync("return document.querySelector(\"tr[data-device='pi-label']\")?.dataset.online === 'true'", Wait,
            "the provisioned device online on the overview");
        Assert.Contains("hcc-7", await _site.TextAsync("section.centre[data-centre='hcc-7'] h2"));
        Assert.DoesNotContain(code, await File.ReadAllTextAsync(Path.Combine(boot, ClaimFile.FileName)));

        await _site.OpenAsync("/device/pi-label");
        await _site.ClickAsync("button[data-command='identify']");
        await browser.WaitUntilAsync("return !!document.querySelector(\"#command-history tr[data-kind='identify'][data-state='succeeded']\")", Wait,
            "identify to succeed in the command history");
        Assert.Contains("Thành công", await _site.TextAsync("#command-status"));

        await _site.ClickAsync("button[data-command='log-tail']");
        await browser.WaitUntilAsync("return !!document.querySelector(\"#command-history tr[data-kind='log-tail'][data-state='succeeded']\")", Wait,
            "the log-tail command to succeed");
        await browser.WaitUntilAsync("return document.getElementById('device-log').textContent.includes('Running command')", Wait,
            "the device's own log lines on its page");
        var log = (await browser.ExecuteAsync("return document.getElementById('device-log').textContent")).GetString()!;
        Assert.Contains("identify", log);
        Assert.True(log.Length <= CommandLimits.MaxLogTailBytes, $"log tail of {log.Length} characters");

        // The device's own configuration layer, pushed from the page and applied by the device.
        await browser.ClearAsync((await browser.FindAsync("#config-settings"))!);
        await _site.TypeAsync("#config-settings", "{\"Rating:LockoutMs\": 1500}");
        await _site.ClickAsync("#config-save");
        await browser.WaitUntilAsync("return !!document.querySelector('#config-result [data-saved]')", Wait, "the configuration saved");
        await browser.WaitUntilAsync("return document.querySelector('#device-config [data-drift]')?.dataset.drift === 'false' && document.getElementById('device-config').textContent.includes('Rating:LockoutMs')",
            Wait, "the pushed configuration applied (no drift) on the page");
        var config = await _site.Fleet.GetJsonAsync("/api/v1/devices/pi-label/config");
        Assert.False(config.GetProperty("drift").GetBoolean());
        Assert.Equal(1500, config.GetProperty("desired").GetProperty("settings").GetProperty("Rating:LockoutMs").GetInt32());
        Assert.Equal(config.GetProperty("desired").GetProperty("version").GetInt64(), config.GetProperty("reported").GetProperty("appliedVersion").GetInt64());
        await _site.ScreenshotAsync("dashboard-device-actions.png");

        // Retire asks first; after "yes" the registry says retired and the device's credentials stop working.
        await _site.ClickAsync("#device-retire");
        await _site.ConfirmAsync();
        await browser.WaitUntilAsync("return !!document.querySelector('#command-status [data-retired]')", Wait, "the retirement to be shown");
        var registered = (await _site.Fleet.GetJsonAsync("/api/v1/registry")).EnumerateArray().Single(d => d.GetProperty("id").GetString() == "pi-label");
        Assert.Equal("retired", registered.GetProperty("status").GetString());
        await Eventually.TrueAsync(
            async () => (await _site.Fleet.GetJsonAsync("/api/v1/health")).EnumerateArray().Any(d => d.GetProperty("id").GetString() == "pi-label" && !d.GetProperty("online").GetBoolean()),
            Wait, "the retired device cut off and shown offline");
    }

    [Fact]
    public async Task An_alert_is_acknowledged_and_resolved_from_its_page_with_the_history_shown()
    {
        var device = await _site.StartDeviceAsync("pi-paper", "--Device:Counter=5");
        using (var paper = await device.Http.PostAsync("/sim/printer?paper=out", null))
        {
            paper.EnsureSuccessStatusCode();
        }

        var browser = await _site.OpenAsync("/alerts");
        const string row = "#open-alerts tr[data-alert-kind='printer-paper-out'][data-device='pi-paper']";
        await browser.WaitUntilAsync($"return !!document.querySelector(\"{row}\")", Wait, "the out-of-paper alert listed as open");
        var id = (await browser.ExecuteAsync($"return document.querySelector(\"{row}\").dataset.alertId")).GetString()!;
        await _site.ClickAsync($"{row} a[href^='#/alert/']");
        await browser.WaitUntilAsync("return document.getElementById('alert-body')?.dataset.open === 'true'", Wait, "the alert's page");

        await _site.ClickAsync("#alert-acknowledge");
        await browser.WaitUntilAsync("return document.getElementById('alert-body').dataset.acknowledged === 'true' && !!document.querySelector(\"#alert-history-table tr[data-action='acknowledged']\")",
            Wait, "the acknowledgement in the history");
        await _site.TypeAsync("#alert-comment", "Đã thay cuộn giấy mới");
        await _site.ClickAsync("#alert-comment-submit");
        await browser.WaitUntilAsync("return !!document.querySelector(\"#alert-history-table tr[data-action='commented']\")", Wait, "the comment in the history");
        await _site.ScreenshotAsync("dashboard-alert-work.png");
        await _site.ClickAsync("#alert-resolve");
        await browser.WaitUntilAsync("return document.getElementById('alert-body').dataset.open === 'false' && !!document.querySelector(\"#alert-history-table tr[data-action='resolved']\")",
            Wait, "the alert resolved with its history");

        var detail = await _site.Fleet.GetJsonAsync($"/api/v1/alerts/{id}");
        var alert = detail.GetProperty("alert");
        Assert.Equal("admin", alert.GetProperty("acknowledgedBy").GetString());
        Assert.Equal("admin", alert.GetProperty("resolvedBy").GetString());
        Assert.Equal(JsonValueKind.String, alert.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(["acknowledged", "commented", "resolved"], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString() ?? "").ToArray());
        Assert.Contains("Đã thay cuộn giấy mới", await _site.TextAsync("#alert-history-table"));
        Assert.True((await browser.ExecuteAsync("return document.getElementById('alert-resolve').disabled")).GetBoolean(), "a resolved alert cannot be resolved again");
    }

    [Fact]
    public async Task A_token_created_and_revoked_on_the_users_page_is_refused_by_the_API_and_the_revocation_is_audited()
    {
        var browser = await _site.OpenAsync("/users");
        Assert.Contains("admin", await _site.TextAsync("#users-table"));
        await _site.TypeAsync("#token-name", "script-nightly");
        await _site.ClickAsync("#token-create");
        await browser.WaitUntilAsync("return !!document.getElementById('token-id')", Wait, "the new token shown once");
        var token = (await browser.ExecuteAsync("return document.getElementById('token-secret').textContent")).GetString()!;
        var tokenId = await _site.TextAsync("#token-id");

        using var script = _site.Fleet.CreateClient(withToken: false);
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/devices")).StatusCode);

        await browser.WaitUntilAsync($"return !!document.querySelector(\"#tokens-table button[data-revoke='{tokenId}']\")", Wait, "the token listed with a revoke button");
        await _site.ScreenshotAsync("dashboard-users.png");
        await _site.ClickAsync($"#tokens-table button[data-revoke='{tokenId}']");
        await _site.ConfirmAsync();
        await browser.WaitUntilAsync($"return document.querySelector(\"#tokens-table tr[data-token-id='{tokenId}']\")?.dataset.revoked === 'true'", Wait,
            "the token shown revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/devices")).StatusCode);
        await browser.WaitUntilAsync("return !!document.querySelector(\"#audit-table tr[data-audit-action='token.revoked']\")", Wait,
            "the revocation in the audit trail");
        Assert.Contains(tokenId, await _site.TextAsync("#audit-table tr[data-audit-action='token.revoked']"));

        // A phone-width look at the releases page, for docs/.
        await browser.SetWindowSizeAsync(412, 900);
        await _site.OpenAsync("/releases");
        await _site.ScreenshotAsync("dashboard-releases-phone.png");
    }

    [GeneratedRegex("^[A-Z2-9]{4}-[A-Z2-9]{4}$")]
    private static partial Regex ClaimCodePattern();
}
