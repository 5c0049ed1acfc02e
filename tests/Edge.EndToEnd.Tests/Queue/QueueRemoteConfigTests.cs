using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Queue;

/// <summary>
/// The queue set through the remote configuration, end to end (device authentication on, devices provisioned by claim
/// code): the fleet gives a kiosk new field prefixes and a counter its served fields; both report restart-required,
/// a restart command brings them into effect; a bad queue document is refused whole and the last good one kept.
/// </summary>
public sealed class QueueRemoteConfigTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly QueueCentre _centre = new("queue-remote");
    private readonly TempFolder _folder = new("queue-remote-role");
    private DeviceRunner? _spare;

    public void Dispose()
    {
        _spare?.Dispose();
        _centre.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_device_enrolled_as_counter_runs_as_a_kiosk_with_its_fields_after_the_fleet_sets_its_role_and_a_restart()
    {
        var fleet = await _centre.StartFleetAsync();
        _spare = new DeviceRunner("spare-1", _folder["spare-1"], fleet.MqttPort, "--Device:Counter=5", "--Display:Kind=none") { Centre = QueueCentre.Centre, Role = "counter" };
        await _spare.StartAsync();
        var field = QueueCentre.Fields[1];

        var put = await PutAsync(fleet, _spare.Id, new Dictionary<string, object>
        {
            ["Device:Role"] = "kiosk",
            ["Queue:Fields"] = new[] { new { name = field.Name, prefix = "S", pin = field.Pin } },
            ["Queue:FirstNumber"] = 500,
            ["Queue:LastNumber"] = 599,
        });
        var report = await ReportedAsync(fleet, _spare.Id, r => r.GetProperty("appliedVersion").GetInt64() == Revision(put), "the role and fields stored");
        Assert.Equal("restart-required", report.GetProperty("state").GetString());
        Assert.Equal(["Device:Role", "Queue:Fields", "Queue:FirstNumber", "Queue:LastNumber"], Pending(report));

        var command = await SendAsync(fleet, HttpMethod.Post, $"/api/v1/devices/{_spare.Id}/commands", new { kind = "restart" });
        await Eventually.ReturnsAsync(() => fleet.GetJsonAsync($"/api/v1/devices/{_spare.Id}/commands/{command.GetProperty("id").GetString()}"),
            c => c.GetProperty("state").GetString() == "succeeded", Settle, "the spare to accept the restart");
        Assert.Equal(75, await _spare.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await _spare.StartAsync();
        await ReportedAsync(fleet, _spare.Id, r => r.GetProperty("state").GetString() == "applied", "the role in effect");

        // Now a kiosk: its field button prints a ticket from its new block, and the fleet lists it as the spare's.
        await QueueCentre.PressPinAsync(_spare, field.Pin);
        var page = (await QueueCentre.PrintedPagesAsync(_spare))[^1];
        output.WriteLine(page);
        Assert.Contains("S500", page, StringComparison.Ordinal);
        var ticket = Assert.Single(await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 1, Settle, "the ticket at the fleet"));
        Assert.Equal(("S500", _spare.Id, field.Name), (ticket.GetProperty("number").GetString(), ticket.GetProperty("kiosk").GetString(), ticket.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task New_prefixes_and_served_fields_from_the_fleet_apply_after_a_restart_and_a_bad_queue_document_is_refused_whole()
    {
        var fleet = await _centre.StartFleetAsync();
        Assert.True(fleet.DevicesMustAuthenticate);
        var devices = await Task.WhenAll(_centre.StartKioskAsync("kiosk-1", 1, 499), _centre.StartCounterAsync("counter-1", "1"));
        var (kiosk, counter) = (devices[0], devices[1]);
        var fields = QueueCentre.Fields;

        // The fleet's field list for the kiosk: same names and buttons, new prefixes; the counter serves the second field only.
        var kioskPut = await PutAsync(fleet, kiosk.Id, new Dictionary<string, object>
        {
            ["Queue:Fields"] = fields.Select((f, i) => new { name = f.Name, prefix = "HDL"[i].ToString(), pin = f.Pin }).ToArray(),
        });
        var counterPut = await PutAsync(fleet, counter.Id, new Dictionary<string, object> { ["Queue:ServesFields"] = new[] { fields[1].Name } });
        var kioskReport = await ReportedAsync(fleet, kiosk.Id, r => r.GetProperty("appliedVersion").GetInt64() == Revision(kioskPut), "the kiosk to store its fields");
        var counterReport = await ReportedAsync(fleet, counter.Id, r => r.GetProperty("appliedVersion").GetInt64() == Revision(counterPut), "the counter to store its fields");
        Assert.Equal("restart-required", kioskReport.GetProperty("state").GetString());
        Assert.Equal(["Queue:Fields"], Pending(kioskReport));
        Assert.Equal("restart-required", counterReport.GetProperty("state").GetString());
        Assert.Equal(["Queue:ServesFields"], Pending(counterReport));

        // Stored, not yet in effect: the kiosk still prints with the prefix it started with.
        await QueueCentre.PressPinAsync(kiosk, fields[0].Pin);
        Assert.Contains("A001", (await QueueCentre.PrintedPagesAsync(kiosk))[^1], StringComparison.Ordinal);

        // The restart command (the device never restarts itself); the service manager's start is the test's.
        foreach (var device in devices)
        {
            var command = await SendAsync(fleet, HttpMethod.Post, $"/api/v1/devices/{device.Id}/commands", new { kind = "restart" });
            await Eventually.ReturnsAsync(() => fleet.GetJsonAsync($"/api/v1/devices/{device.Id}/commands/{command.GetProperty("id").GetString()}"),
                c => c.GetProperty("state").GetString() == "succeeded", Settle, $"{device.Id} to accept the restart");
            Assert.Equal(75, await device.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            await device.StartAsync();
        }

        await ReportedAsync(fleet, kiosk.Id, r => r.GetProperty("state").GetString() == "applied", "the kiosk's fields in effect");
        await ReportedAsync(fleet, counter.Id, r => r.GetProperty("state").GetString() == "applied", "the counter's fields in effect");

        // The kiosk's next tickets carry the new prefixes.
        await QueueCentre.PressPinAsync(kiosk, fields[0].Pin);
        Assert.Contains("H001", (await QueueCentre.PrintedPagesAsync(kiosk))[^1], StringComparison.Ordinal);
        await QueueCentre.PressPinAsync(kiosk, fields[1].Pin);
        Assert.Contains("D001", (await QueueCentre.PrintedPagesAsync(kiosk))[^1], StringComparison.Ordinal);
        await Eventually.ReturnsAsync(_centre.TicketsAsync, t => t.Count == 3, Settle, "three tickets at the fleet");

        // The counter calls only its served field: D001, though A001 and H001 wait longer; then nobody for it.
        Assert.Equal("D001", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
        var waiting = (await _centre.TicketsAsync()).Where(t => t.GetProperty("state").GetString() == "waiting").Select(t => t.GetProperty("number").GetString()).Order();
        Assert.Equal(["A001", "H001"], waiting);

        // A bad queue document (two fields with one prefix, a field without a name, a number block upside down): refused
        // whole with every problem named; the kiosk keeps the last good fields.
        var bad = await PutAsync(fleet, kiosk.Id, new Dictionary<string, object>
        {
            ["Queue:Fields"] = new object[] { new { name = fields[0].Name, prefix = "X", pin = fields[0].Pin }, new { name = "", prefix = "X", pin = fields[1].Pin } },
            ["Queue:FirstNumber"] = 900,
            ["Queue:LastNumber"] = 100,
        });
        var rejected = await ReportedAsync(fleet, kiosk.Id, r => r.TryGetProperty("rejectedVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt64() == Revision(bad),
            "the bad queue document refused");
        var reason = rejected.GetProperty("reason").GetString()!;
        output.WriteLine(reason);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal(Revision(kioskPut), rejected.GetProperty("appliedVersion").GetInt64());
        Assert.Contains("Queue:Fields:1:Name must be 1-64 characters", reason, StringComparison.Ordinal);
        Assert.Contains("Queue:Fields prefixes must differ between fields", reason, StringComparison.Ordinal);
        Assert.Contains("Queue:FirstNumber/Queue:LastNumber", reason, StringComparison.Ordinal);
        var remote = await kiosk.Http.GetFromJsonAsync<JsonElement>("/remote-config");
        Assert.True(remote.GetProperty("invalidCount").GetInt64() >= 1);
        await QueueCentre.PressPinAsync(kiosk, fields[0].Pin);
        Assert.Contains("H002", (await QueueCentre.PrintedPagesAsync(kiosk))[^1], StringComparison.Ordinal);

        // What the fleet refuses at once (400, nothing stored): an unknown field in an element, and a role set for a whole role.
        var shape = await SendRawAsync(fleet, HttpMethod.Put, $"/api/v1/devices/{kiosk.Id}/config",
            new { settings = new Dictionary<string, object> { ["Queue:Fields"] = new[] { new { name = "Hộ tịch", prefx = "A" } } } });
        Assert.Equal(400, (int)shape.Status);
        Assert.Contains(Problems(shape.Body), p => p.StartsWith("Queue:Fields:0:prefx is not a field of Queue:Fields", StringComparison.Ordinal));
        var roleLayer = await SendRawAsync(fleet, HttpMethod.Put, "/api/v1/config/layers/role/counter",
            new { settings = new Dictionary<string, object> { ["Device:Role"] = "kiosk" } });
        Assert.Equal(400, (int)roleLayer.Status);
        Assert.Contains(Problems(roleLayer.Body), p => p.StartsWith("Device:Role may only be set in a device's own layer", StringComparison.Ordinal));
    }

    private static List<string> Problems(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();

    private static long Revision(JsonElement layer) => layer.GetProperty("revision").GetInt64();

    private static List<string> Pending(JsonElement reported) =>
        reported.GetProperty("restartPending").EnumerateArray().Select(k => k.GetString()!).ToList();

    private static Task<JsonElement> PutAsync(FleetRunner fleet, string deviceId, Dictionary<string, object> settings) =>
        SendAsync(fleet, HttpMethod.Put, $"/api/v1/devices/{deviceId}/config", new { settings });

    /// <summary>The device's report as the fleet holds it, once it satisfies <paramref name="done"/>.</summary>
    private static async Task<JsonElement> ReportedAsync(FleetRunner fleet, string deviceId, Func<JsonElement, bool> done, string what) =>
        (await Eventually.ReturnsAsync(() => fleet.GetJsonAsync($"/api/v1/devices/{deviceId}/config"),
            view => view.TryGetProperty("reported", out var r) && r.ValueKind == JsonValueKind.Object && done(r), Settle, what)).GetProperty("reported");

    private static async Task<JsonElement> SendAsync(FleetRunner fleet, HttpMethod method, string path, object body)
    {
        var (status, text) = await SendRawAsync(fleet, method, path, body);
        return (int)status is >= 200 and < 300
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new InvalidOperationException($"{method} {path}: {(int)status} {text}");
    }

    private static async Task<(System.Net.HttpStatusCode Status, string Body)> SendRawAsync(FleetRunner fleet, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await fleet.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
