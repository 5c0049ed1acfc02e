using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Edge.Fleet.Tests.Security;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;

namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>
/// One fleet process as it ships (device authentication on) with provisioned devices that rate and queue through the
/// real MQTT path: centre <see cref="CentreA"/> has a kiosk that issued three tickets and a counter that called two of
/// them (one served), two counters' ratings today and yesterday; <see cref="CentreB"/> and <see cref="Quiet"/> have
/// ratings only; <see cref="Hidden"/> has ratings and its board switched off in the directory, <see cref="HiddenUnlisted"/>
/// (not in the directory) by <c>PublicBoard:HiddenCentres</c>. A, B and Hidden are centres of
/// province <see cref="Province"/> in the centre directory (with display names); Quiet is not in the directory.
/// Public requests of a test come from their own loopback address (<see cref="AnonymousFrom"/>) so that the rate limit
/// of one test is not spent by another.
/// </summary>
public sealed class PublicBoardSite : IAsyncLifetime
{
    public const string CentreA = "pb-centre-a";
    public const string CentreB = "pb-centre-b";
    public const string Quiet = "pb-centre-quiet";
    public const string Hidden = "pb-centre-off";
    public const string HiddenUnlisted = "pb-centre-unlisted-off";
    public const string Province = "01";
    public const string NameA = "Trung tâm Phục vụ hành chính công phường A";
    public const string NameB = "Trung tâm Phục vụ hành chính công phường B";
    public const int RequestsPerMinute = 40;
    public const string Field = "Tư pháp";

    private readonly TempFolder _folder = new("public-board");

    public FleetRunner Fleet { get; private set; } = null!;

    /// <summary>Every device id of the site: none may appear in what the public sees.</summary>
    public List<string> DeviceIds { get; } = [];

    /// <summary>Counter labels of the site (none may appear either).</summary>
    public static readonly string[] Counters = ["counter-one", "counter-two"];

    public string Today { get; } = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"))
        .ToString(QueueDays.Format, CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        Fleet = new FleetRunner(_folder["fleet"], $"--PublicBoard:RequestsPerMinute={RequestsPerMinute}", $"--PublicBoard:HiddenCentres:0={HiddenUnlisted}");
        await Fleet.StartAsync();
        try
        {
            await DoWhatDevicesDoAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("The site's devices could not rate and queue; the fleet said:\n" + Fleet.Output, ex);
        }
    }

    private async Task DoWhatDevicesDoAsync()
    {
        await EnterCentreAsync(CentreA, NameA, publicBoard: true);
        await EnterCentreAsync(CentreB, NameB, publicBoard: true);
        await EnterCentreAsync(Hidden, "Trung tâm không công khai", publicBoard: false);
        var now = DateTimeOffset.UtcNow;

        var kiosk = await ProvisionAsync(CentreA, "kiosk", "pb-kiosk", "kiosk");
        var first = await ProvisionAsync(CentreA, Counters[0], "pb-counter-1");
        var second = await ProvisionAsync(CentreA, Counters[1], "pb-counter-2");
        var b = await ProvisionAsync(CentreB, Counters[0], "pb-counter-b");
        var quiet = await ProvisionAsync(Quiet, Counters[0], "pb-counter-quiet");
        var hidden = await ProvisionAsync(Hidden, Counters[0], "pb-counter-off");
        var hiddenUnlisted = await ProvisionAsync(HiddenUnlisted, Counters[0], "pb-counter-unlisted-off");

        // Three tickets issued 10, 8 and 6 minutes ago; the first is called and served, the second called.
        await using (var device = await TestDevice.ConnectAsync(Fleet.MqttPort, kiosk))
        {
            await device.PublishEventsAsync(
                [.. Enumerable.Range(1, 3).Select(i => new DeviceEvent
                {
                    Seq = i, Kind = EventKinds.TicketIssued, At = now.AddMinutes(-12 + (2 * i)), Ticket = $"A00{i}", Field = Field, Detail = Today,
                })]);
            await device.WaitForAckAsync(3);
        }

        // The counter as a real one does it: asks the fleet, records the ticket it got as called, and served at the next call.
        await CallAsync(first, 1);
        await RateAsync(first, Ticket(1, EventKinds.TicketCalled, "A001"));
        await CallAsync(first, 2);
        await RateAsync(first, Ticket(2, EventKinds.TicketServed, "A001"), Ticket(3, EventKinds.TicketCalled, "A002"));
        await Eventually.TrueAsync(
            async () => (await Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={CentreA}")).GetProperty("all") is var all
                        && all.GetProperty("called").GetInt32() == 2 && all.GetProperty("served").GetInt32() == 1,
            TimeSpan.FromSeconds(30),
            "2 tickets called and 1 served at the fleet");

        await RateAsync(first, Events.Rating(4, 4, at: now.AddMinutes(-5)), Events.Rating(5, 4, at: now.AddMinutes(-4)), Events.Rating(6, 3, at: now.AddMinutes(-3)),
            Events.Rating(7, 1, at: now.AddMinutes(-2)), Events.Rating(8, 2, at: now.AddMinutes(-1)), Events.Rating(9, 1, at: now.AddSeconds(-30), suspect: true));
        await RateAsync(second, Events.Rating(1, 4, at: now.AddMinutes(-3)), Events.Rating(2, 3, at: now.AddMinutes(-2)),
            Events.Rating(3, 1, at: now.AddDays(-1)), Events.Rating(4, 4, at: now.AddDays(-1).AddMinutes(1)), Events.Rating(5, 4, at: now.AddDays(-3)));
        await RateAsync(b, Events.Rating(1, 4, at: now.AddMinutes(-2)), Events.Rating(2, 2, at: now.AddMinutes(-1)));
        await RateAsync(quiet, Events.Rating(1, 3, at: now.AddMinutes(-2)));
        await RateAsync(hidden, Events.Rating(1, 4, at: now.AddMinutes(-2)), Events.Rating(2, 4, at: now.AddMinutes(-1)));
        await RateAsync(hiddenUnlisted, Events.Rating(1, 4, at: now.AddMinutes(-2)));
    }

    public Task DisposeAsync()
    {
        Fleet.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A client without login whose requests come from <paramref name="address"/> (a loopback address of 127/8).</summary>
    public HttpClient AnonymousFrom(string address)
    {
        var local = IPAddress.Parse(address);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Fleet.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    private async Task<DeviceCredentials> ProvisionAsync(string centre, string counter, string id, string role = "counter")
    {
        DeviceIds.Add(id);
        return await Fleet.ProvisionAsync(centre, counter, id, role);
    }

    /// <summary>Publishes events of the device (its seq numbers continue where the last batch stopped) and waits for the ack.</summary>
    private async Task RateAsync(DeviceCredentials credentials, params DeviceEvent[] events)
    {
        await using var device = await TestDevice.ConnectAsync(Fleet.MqttPort, credentials);
        await device.PublishEventsAsync(events);
        await device.WaitForAckAsync(events[^1].Seq);
    }

    private async Task EnterCentreAsync(string id, string name, bool publicBoard)
    {
        using var response = await Fleet.Http.PutAsJsonAsync($"/api/v1/centres/{id}", new { name, province = Province, address = "", publicBoard });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Call-next of the counter, answered by the fleet with a ticket handed out.</summary>
    private async Task CallAsync(DeviceCredentials counter, int call)
    {
        await using var caller = await MqttProbe.ConnectAsDeviceAsync(Fleet.MqttPort, counter.DeviceId, counter.Secret);
        var request = JsonSerializer.SerializeToUtf8Bytes(new CallRequest($"pb-call-{call}", CallActions.Next, Counters[0], [Field]), WireJson.Default.CallRequest);
        Assert.Equal(MqttClientPublishReasonCode.Success, await caller.PublishAsync(QueueTopics.Call(counter.DeviceId), request));
        await Eventually.TrueAsync(
            async () => (await Fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={CentreA}")).GetProperty("tickets").EnumerateArray()
                .Count(t => t.GetProperty("counter").ValueKind == JsonValueKind.String) == call,
            TimeSpan.FromSeconds(30),
            $"call {call} handed out by the fleet");
    }

    private DeviceEvent Ticket(long seq, string kind, string number) => new()
    {
        Seq = seq, Kind = kind, At = DateTimeOffset.UtcNow, UptimeMs = seq * 1000, Counter = Counters[0], Ticket = number, Field = Field, Detail = Today,
    };
}
