using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Tests.Security;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using MimeKit;
using MQTTnet;

namespace Edge.Fleet.Tests.Notifications;

/// <summary>
/// A real fleet process (device authentication on) that evaluates alerts twice a second, opens an offline alert 1.2 s
/// after a device disconnects, and mails through an <see cref="SmtpSink"/> with the real MailKit client; people with
/// e-mail addresses are made through the API, devices provisioned by claim code.
/// </summary>
public sealed class AlertFleet : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    private readonly TempFolder _folder;
    private readonly Dictionary<string, MqttProbe> _online = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceCredentials> _devices = new(StringComparer.Ordinal);

    private AlertFleet(TempFolder folder, SmtpSink sink, FleetRunner fleet)
    {
        _folder = folder;
        Sink = sink;
        Fleet = fleet;
    }

    public SmtpSink Sink { get; }

    public FleetRunner Fleet { get; }

    public static async Task<AlertFleet> StartAsync(params string[] extraArgs)
    {
        var sink = new SmtpSink();
        var folder = new TempFolder("alert-mail-fleet");
        var fleet = new FleetRunner(folder["fleet"],
        [
            "--Alerts:EvaluateEverySeconds=0.5",
            "--Alerts:Defaults:OpeningHours=always",
            "--Alerts:Defaults:OfflineMinutes=0.02",
            "--Alerts:Defaults:ClockUnsyncedMinutes=0",
            "--Alerts:Defaults:NoRatingHours=0",
            "--Notifications:Smtp:Host=127.0.0.1",
            $"--Notifications:Smtp:Port={sink.Port}",
            "--Notifications:Smtp:From=edge@fleet.test",

            // These tests count alert e-mails: the scheduled weekly and monthly reports (fleet/Reports, due on Mondays and
            // on the 1st) would be counted with them on those days. Reports' own tests turn the schedule on.
            "--Reports:Mail=false",
            .. extraArgs,
        ]);
        var started = new AlertFleet(folder, sink, fleet);
        try
        {
            await fleet.StartAsync();
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public Task AddUserAsync(string name, string role, string[] centres, string? email) => Fleet.AddUserAsync(name, role, centres, Password, email);

    public Task<HttpClient> LoginAsync(string name) => Fleet.LoginAsync(name, Password);

    /// <summary>Provisions the device (first time) and connects it as itself, announcing it online with a new session.</summary>
    public async Task ConnectAsync(string centre, string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var credentials))
        {
            credentials = _devices[deviceId] = await Fleet.ProvisionAsync(centre, "1", deviceId);
        }

        var probe = await MqttProbe.ConnectAsDeviceAsync(Fleet.MqttPort, credentials.DeviceId, credentials.Secret);
        _online[deviceId] = probe;
        var status = new DeviceStatus(true, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        // The embedded broker reads the status in its interceptor; nobody else subscribes to it.
        Assert.Contains(await probe.PublishAsync(Topics.Status(deviceId), JsonSerializer.SerializeToUtf8Bytes(status, WireJson.Default.DeviceStatus)),
            new[] { MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.NoMatchingSubscribers });
    }

    /// <summary>Drops the device's connection: the fleet marks it offline.</summary>
    public async Task DisconnectAsync(string deviceId)
    {
        if (_online.Remove(deviceId, out var probe))
        {
            await probe.DisposeAsync();
        }
    }

    /// <summary>The open or resolved alerts of a kind for a device (as the administrator sees them), newest first.</summary>
    public async Task<List<JsonElement>> AlertsAsync(string deviceId, bool open)
    {
        var alerts = await Fleet.GetJsonAsync("/api/v1/alerts");
        return [.. alerts.GetProperty(open ? "open" : "history").EnumerateArray()
            .Where(a => a.GetProperty("deviceId").GetString() == deviceId && a.GetProperty("kind").GetString() == "device-offline")];
    }

    /// <summary>The messages the sink took for <paramref name="address"/>, parsed by MimeKit.</summary>
    public List<MimeMessage> MailsTo(string address) =>
        [.. Sink.Messages.Where(m => m.Recipients.Contains(address)).Select(m => MimeMessage.Load(new MemoryStream(m.Data)))];

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _online.Values)
        {
            await probe.DisposeAsync();
        }

        Fleet.Dispose();
        Sink.Dispose();
        _folder.Dispose();
    }
}
