using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Reports;
using Edge.Fleet.Stats;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.Reports;

/// <summary>
/// A real fleet process as shipped (device authentication on, devices provisioned by claim code), mailing through an
/// <see cref="SmtpSink"/>, with one centre's known week of events sent over MQTT: the last whole week before today
/// (centre time), the one the schedule e-mails and <c>/api/v1/reports/{centre}</c> answers by default.
/// </summary>
public sealed class ReportSite : IAsyncDisposable
{
    public const string Centre = "centre-r";
    public const string Password = "correct horse battery";
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    private readonly TempFolder _folder;

    private readonly string[] _extraArgs;

    private ReportSite(TempFolder folder, SmtpSink sink, string[] extraArgs)
    {
        _folder = folder;
        Sink = sink;
        _extraArgs = extraArgs;
        Fleet = NewFleet();
    }

    public SmtpSink Sink { get; }

    public FleetRunner Fleet { get; private set; }

    /// <summary>The week the events fall in.</summary>
    public static ReportPeriod Week => ReportPeriod.LastBefore(ReportPeriod.Week, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime));

    /// <summary>15:00 centre time on the week's Monday.</summary>
    public static DateTimeOffset Afternoon => StatsWindow.StartOf(Week.FirstDay, Zone).AddHours(15);

    /// <param name="extraArgs">More fleet arguments, e.g. the PostgreSQL store.</param>
    public static async Task<ReportSite> StartAsync(params string[] extraArgs)
    {
        var site = new ReportSite(new TempFolder("report-fleet"), new SmtpSink(), extraArgs);
        try
        {
            await site.Fleet.StartAsync();
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the fleet and starts it again on the same data folder.</summary>
    public async Task RestartAsync()
    {
        await Fleet.StopAsync(TimeSpan.FromSeconds(10));
        Fleet.Dispose();
        Fleet = NewFleet();
        await Fleet.StartAsync();
    }

    /// <summary>
    /// The week's events: a kiosk issues four tickets of "Tư pháp" and one of "Đất đai" at 15:00; counter 1 calls
    /// A001 after 5 min, A002 after 10, A003 after 30, B001 after 2 (waits 300, 600, 1800, 120 s; A004 never called),
    /// serves A001 and A002, and has six presses: 4, 4, 3, 1, 2 and a suspect 1 (not counted): index 3/5.
    /// </summary>
    public async Task SendWeekAsync()
    {
        var day = Week.FromDay;
        var at = Afternoon;
        var kiosk = await Fleet.ProvisionAsync(Centre, "kiosk", "kiosk-r", role: "kiosk");
        var counter = await Fleet.ProvisionAsync(Centre, "1", "counter-r1");
        await using (var device = await TestDevice.ConnectAsync(Fleet.MqttPort, kiosk))
        {
            await device.PublishEventsAsync(
                Ticket(1, EventKinds.TicketIssued, "A001", "Tư pháp", at, day),
                Ticket(2, EventKinds.TicketIssued, "A002", "Tư pháp", at, day),
                Ticket(3, EventKinds.TicketIssued, "A003", "Tư pháp", at, day),
                Ticket(4, EventKinds.TicketIssued, "A004", "Tư pháp", at, day),
                Ticket(5, EventKinds.TicketIssued, "B001", "Đất đai", at, day));
            await device.WaitForAckAsync(5);
        }

        await using (var device = await TestDevice.ConnectAsync(Fleet.MqttPort, counter))
        {
            await device.PublishEventsAsync(
                Ticket(1, EventKinds.TicketCalled, "A001", "Tư pháp", at.AddMinutes(5), day, "1"),
                Ticket(2, EventKinds.TicketCalled, "A002", "Tư pháp", at.AddMinutes(10), day, "1"),
                Ticket(3, EventKinds.TicketCalled, "A003", "Tư pháp", at.AddMinutes(30), day, "1"),
                Ticket(4, EventKinds.TicketCalled, "B001", "Đất đai", at.AddMinutes(2), day, "1"),
                Ticket(5, EventKinds.TicketServed, "A001", "Tư pháp", at.AddMinutes(9), day, "1"),
                Ticket(6, EventKinds.TicketServed, "A002", "Tư pháp", at.AddMinutes(20), day, "1"),
                Events.Rating(7, 4, "1", at.AddMinutes(1)),
                Events.Rating(8, 4, "1", at.AddMinutes(2)),
                Events.Rating(9, 3, "1", at.AddMinutes(3)),
                Events.Rating(10, 1, "1", at.AddMinutes(4)),
                Events.Rating(11, 2, "1", at.AddMinutes(5)),
                Events.Rating(12, 1, "1", at.AddMinutes(6), suspect: true));
            await device.WaitForAckAsync(12);
        }
    }

    public Task AddUserAsync(string name, string role, string[] centres, string? email) => Fleet.AddUserAsync(name, role, centres, Password, email);

    public Task<HttpClient> LoginAsync(string name) => Fleet.LoginAsync(name, Password);

    /// <summary>A file in the test's folder (deleted with it).</summary>
    public string FileIn(string name) => _folder[name];

    public async ValueTask DisposeAsync()
    {
        Fleet.Dispose();
        Sink.Dispose();
        _folder.Dispose();
        await Task.CompletedTask;
    }

    private FleetRunner NewFleet() => new(_folder["fleet"],
    [
        "--Notifications:Smtp:Host=127.0.0.1",
        $"--Notifications:Smtp:Port={Sink.Port}",
        "--Notifications:Smtp:From=edge@fleet.test",
        "--Reports:CheckEverySeconds=0.5",
        // Due from midnight: at 07:00 a test run on a Monday or the 1st before then would wait for the week's or month's.
        "--Reports:MailAt=00:00",
        .. _extraArgs,
    ]);

    private static DeviceEvent Ticket(long seq, string kind, string number, string field, DateTimeOffset at, string day, string? counter = null) => new()
    {
        Seq = seq,
        Kind = kind,
        At = at,
        UptimeMs = seq * 1000,
        Ticket = number,
        Field = field,
        Detail = day,
        Counter = counter,
        ClockSynced = true,
    };
}
