using System.Buffers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Centres;
using Edge.Fleet.Federation;
using Edge.Fleet.Federation.Receiving;
using Edge.Fleet.Ingest;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store.Lite;
using Edge.Fleet.Store.Postgres;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Federation;

/// <summary>The events, forwarded-device and centre directory stores of the upper fleet the receiver writes to (one engine).</summary>
public sealed record ReceivingStores(IEventStore Events, IFederationStore Federation, ICentreStore Centres) : IDisposable
{
    public void Dispose()
    {
        (Events as IDisposable)?.Dispose();
        (Federation as IDisposable)?.Dispose();
        (Centres as IDisposable)?.Dispose();
    }
}

/// <summary>
/// The upper fleet's once-only receiver on each engine: each (fleet, device, seq) is stored once however often it
/// is resent, the ack carries the contiguous seq held after the durable append, and what a hostile or broken lower
/// fleet sends is refused, counted and stores nothing.
/// </summary>
public abstract class ForwardedEventReceiverContract : StoreContractBase<ReceivingStores>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly List<(string Fleet, ForwardedAck Ack)> _acks = [];
    private readonly FederationCounts _counters = new();
    private ForwardedEventReceiver? _receiver;
    private bool _acksFail;
    private CentreDirectory? _directory;

    private CentreDirectory Directory => _directory ??= new CentreDirectory(Store.Centres, new InProcessChangeFeed(), NullLogger<CentreDirectory>.Instance);

    private ForwardedEventReceiver Receiver => _receiver ??= new ForwardedEventReceiver(
        Store.Events, Store.Federation, Registry(), _counters, TimeProvider.System, NullLogger<ForwardedEventReceiver>.Instance,
        (fleet, ack, _) =>
        {
            if (_acksFail)
            {
                throw new InvalidOperationException("the broker refused the ack");
            }

            _acks.Add((fleet, ack));
            return Task.CompletedTask;
        },
        new ForwardedCentreRecorder(Store.Centres, Directory, TimeProvider.System));

    [Fact]
    public async Task A_forwarded_centre_enters_the_directory_with_its_province_and_name_but_never_over_a_hand_made_one()
    {
        await Directory.SaveAsync([new Centre { Id = "hue.centre-1", Name = "Entered by hand", Province = "46", UpdatedBy = "admin" }], CancellationToken.None);

        await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4)) with { CentreName = "  Ba Đình ", Province = "01" });
        await SendAsync("ha-noi", Batch("dev-2", "centre-2", Rating(1, 4)) with { CentreName = "Kinh Bắc", Province = "24" });
        await SendAsync("ha-noi", Batch("dev-2", "centre-2", Rating(2, 4)) with { CentreName = "Kinh Bắc mới", Province = "24" });
        await SendAsync("ha-noi", Batch("dev-3", "centre-3", Rating(1, 4)) with { CentreName = "Nowhere", Province = "99" });
        await SendAsync("ha-noi", Batch("dev-4", "centre-4", Rating(1, 4)));
        await SendAsync("hue", Batch("dev-1", "centre-1", Rating(1, 4)) with { CentreName = "From the lower fleet", Province = "01" });

        var centres = (await Store.Centres.ListAsync(CancellationToken.None)).Select(c => (c.Id, c.Name, c.Province, c.UpdatedBy));
        Assert.Equal(
            [("ha-noi.centre-1", "Ba Đình", "01", "federation:ha-noi"), ("ha-noi.centre-2", "Kinh Bắc mới", "24", "federation:ha-noi"),
             ("hue.centre-1", "Entered by hand", "46", "admin")],
            centres);
        await Directory.ReloadAsync(CancellationToken.None);
        Assert.Equal(("01", "24", null), (Directory.ProvinceOf("ha-noi.centre-1"), Directory.ProvinceOf("ha-noi.centre-2"), Directory.ProvinceOf("ha-noi.centre-3")));
        Assert.Equal(6, _acks.Count);
    }

    [Fact]
    public async Task A_batch_whose_ack_cannot_be_sent_is_stored_counted_and_acked_when_resent()
    {
        _acksFail = true;
        Assert.Equal(IngestResult.Stored, await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4), Rating(2, 3))));
        Assert.Empty(_acks);
        Assert.Equal((1, 0), (_counters.AcksFailed, _counters.AcksSent));

        _acksFail = false;
        Assert.Equal(IngestResult.Stored, await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4), Rating(2, 3))));
        Assert.Equal(("ha-noi", new ForwardedAck("dev-1", 2)), Assert.Single(_acks));
        Assert.Equal(2, await Store.Events.GetAckedUpToAsync("ha-noi.dev-1", CancellationToken.None));
    }

    [Fact]
    public async Task A_resent_batch_is_stored_once_and_acked_again_with_what_is_held()
    {
        Assert.Equal(IngestResult.Stored, await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4), Rating(2, 1), Rating(3, 3))));
        Assert.Equal(IngestResult.Stored, await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4), Rating(2, 1), Rating(3, 3), Rating(4, 4))));
        Assert.Equal(IngestResult.Stored, await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(2, 1))));

        Assert.Equal([3L, 4, 4], _acks.Select(a => a.Ack.UpTo));
        Assert.All(_acks, a => Assert.Equal(("ha-noi", "dev-1"), (a.Fleet, a.Ack.DeviceId)));
        var counts = await Store.Events.CountRatingsAsync(new RatingFilter(DeviceId: "ha-noi.dev-1"), CancellationToken.None);
        Assert.Equal((4L, 3L), (counts.Total, counts.Satisfied));
        Assert.Equal((3L, 8L), (_counters.ReceivedBatches, _counters.ReceivedEvents));
    }

    [Fact]
    public async Task Two_fleets_with_the_same_device_and_centre_ids_stay_apart_per_centre()
    {
        await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4), Rating(2, 4)));
        await SendAsync("hue", Batch("dev-1", "centre-1", Rating(1, 1)));

        var centres = await ForwardedCentreFigures.ReadAsync(Store.Federation, Store.Events, Admin(), null, CancellationToken.None);
        Assert.Equal(["ha-noi.centre-1 2 1", "hue.centre-1 1 0"], centres.Select(c => $"{c.Centre} {c.Ratings} {c.Index}"));
        Assert.Equal(3, (await Store.Events.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task A_manager_sees_only_the_forwarded_centres_they_are_given()
    {
        await SendAsync("ha-noi", Batch("dev-1", "centre-1", Rating(1, 4)));
        await SendAsync("ha-noi", Batch("dev-2", "centre-2", Rating(1, 4)));
        var manager = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "lan"), new Claim(Edge.Fleet.Auth.TokenAuthenticationHandler.CentreClaim, "ha-noi.centre-2")], "test"));

        var centres = await ForwardedCentreFigures.ReadAsync(Store.Federation, Store.Events, manager, null, CancellationToken.None);
        Assert.Equal("ha-noi.centre-2", Assert.Single(centres).Centre);
    }

    [Fact]
    public async Task Events_other_than_ratings_and_tickets_are_kept_as_omitted_markers_so_the_ack_passes_them()
    {
        var health = new DeviceEvent { Seq = 2, Kind = EventKinds.Peripheral, At = Now, Detail = "printer out of paper" };
        var ticket = new DeviceEvent { Seq = 3, Kind = EventKinds.TicketIssued, At = Now, Ticket = "A001" };
        await SendAsync("ha-noi", Batch("dev-1", "c", Rating(1, 4), health, ticket));

        Assert.Equal(3, Assert.Single(_acks).Ack.UpTo);
        var stored = await Store.Events.ReadEventsAsync("ha-noi.dev-1", 0, 10, CancellationToken.None);
        Assert.Equal([EventKinds.Rating, ForwardedKinds.Omitted, EventKinds.TicketIssued], stored.Select(e => e.Kind));
        Assert.Null(stored[1].Detail);
    }

    [Fact]
    public async Task A_fleet_cannot_send_as_another_fleet_nor_can_a_device_send_as_a_fleet()
    {
        // Only reachable with the broker's ACL off (Security:DeviceAuth=open); the receiver checks anyway.
        Assert.Equal(IngestResult.DeviceMismatch, await SendAsync("hue", Batch("dev-1", "c", Rating(1, 4)), clientId: "ha-noi"));
        Assert.Equal(IngestResult.DeviceMismatch, await SendAsync("dev-9", Batch("dev-1", "c", Rating(1, 4))));
        Assert.Equal(IngestResult.DeviceMismatch, await SendAsync("old-fleet", Batch("dev-1", "c", Rating(1, 4))));

        Assert.Empty(_acks);
        Assert.Equal(3, _counters.Refused["not-this-fleet"]);
        Assert.Empty(await Store.Events.ListSequencesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Malformed_oversized_and_out_of_range_batches_are_refused_counted_and_store_nothing()
    {
        Assert.Equal(IngestResult.Malformed, await SendRawAsync("ha-noi", "not json"));
        Assert.Equal(IngestResult.Malformed, await SendRawAsync("ha-noi", """{"deviceId":"dev/1","centre":"c","events":[]}"""));
        Assert.Equal(IngestResult.Malformed, await SendRawAsync("ha-noi", """{"deviceId":"dev-1","events":[]}"""));
        Assert.Equal(IngestResult.Malformed, await SendAsync("ha-noi", Batch("dev-1", new string('c', 65), Rating(1, 4))));
        Assert.Equal(IngestResult.Oversized, await SendRawAsync("ha-noi", new string(' ', WireLimits.MaxEventsPayloadBytes + 1)));
        Assert.Equal(IngestResult.TooManyEvents, await SendAsync("ha-noi", Batch("dev-1", "c", [.. Enumerable.Range(1, WireLimits.MaxEventsPerBatch + 1).Select(i => Rating(i, 4))])));
        Assert.Equal(IngestResult.InvalidSeq, await SendAsync("ha-noi", Batch("dev-1", "c", Rating(0, 4))));
        Assert.Equal(IngestResult.SeqOutOfWindow, await SendAsync("ha-noi", Batch("dev-1", "c", Rating(ForwardedEventReceiver.MaxSeqAhead + 1, 4))));

        Assert.Empty(_acks);
        Assert.Equal(
            new Dictionary<string, long> { ["malformed"] = 4, ["oversized"] = 1, ["too-many-events"] = 1, ["invalid-seq"] = 1, ["seq-out-of-window"] = 1 },
            _counters.Refused);
        Assert.Empty(await Store.Events.ListSequencesAsync(CancellationToken.None));
        Assert.Empty(await Store.Federation.ListForwardedDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_rating_out_of_its_scale_is_kept_as_a_rejected_marker_and_not_counted()
    {
        await SendAsync("ha-noi", Batch("dev-1", "c", Rating(1, 4), Rating(2, 99)));

        Assert.Equal(2, Assert.Single(_acks).Ack.UpTo);
        Assert.Equal(1, (await Store.Events.CountRatingsAsync(new RatingFilter(DeviceId: "ha-noi.dev-1"), CancellationToken.None)).Total);
    }

    private Task<IngestResult?> SendAsync(string fleet, ForwardedBatch batch, string? clientId = null) =>
        Receiver.ConsumeAsync(clientId ?? fleet, FederationTopics.Events(fleet),
            new ReadOnlySequence<byte>(JsonSerializer.SerializeToUtf8Bytes(batch, FederationJson.Default.ForwardedBatch)), CancellationToken.None);

    private Task<IngestResult?> SendRawAsync(string fleet, string payload) =>
        Receiver.ConsumeAsync(fleet, FederationTopics.Events(fleet), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)), CancellationToken.None);

    private static ForwardedBatch Batch(string device, string centre, params DeviceEvent[] events) => new(device, centre, events);

    private static DeviceEvent Rating(long seq, int level) => new()
    {
        Seq = seq,
        Kind = EventKinds.Rating,
        At = Now,
        Counter = "7",
        Level = level,
        Scale = 4,
    };

    private static ClaimsPrincipal Admin() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Edge.Fleet.Auth.UserRoles.Administrator)], "test"));

    private static DeviceRegistry Registry() => new(
        new FixedDeviceStore(
        [
            Entry("ha-noi", DeviceRoles.Fleet, DeviceStates.Active),
            Entry("hue", DeviceRoles.Fleet, DeviceStates.Active),
            Entry("old-fleet", DeviceRoles.Fleet, DeviceStates.Retired),
            Entry("dev-9", DeviceRoles.Counter, DeviceStates.Active),
        ]),
        new InProcessChangeFeed(), TimeProvider.System, NullLogger<DeviceRegistry>.Instance);

    private static RegisteredDevice Entry(string id, string role, string status) => new() { Id = id, Centre = "nation", Counter = "-", Role = role, Status = status };

    private sealed class FixedDeviceStore(IReadOnlyList<RegisteredDevice> devices) : IDeviceStore
    {
        public Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(devices);

        public Task<RegisteredDevice?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(devices.FirstOrDefault(d => d.Id == id));

        public Task<RegisteredDevice?> RetireAsync(string id, DateTime at, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RecordSeenAsync(IReadOnlyDictionary<string, DateTime> seen, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed class LiteForwardedEventReceiverTests : ForwardedEventReceiverContract
{
    protected override Task<ReceivingStores> CreateStoreAsync() => Task.FromResult(new ReceivingStores(
        new LiteEventStore(FileIn("fleet.db")), new LiteFederationStore(FileIn("federation.db"), TimeProvider.System),
        new LiteCentreStore(FileIn(LiteCentreStore.FileName))));
}

public sealed class PostgresForwardedEventReceiverTests(PostgresServerFixture postgres) : ForwardedEventReceiverContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<ReceivingStores> CreateStoreAsync()
    {
        var database = await MigratedDatabaseAsync(postgres);
        return new ReceivingStores(new PostgresEventStore(database, FleetSchema.Migrations), new PostgresFederationStore(database, TimeProvider.System), new PostgresCentreStore(database));
    }
}
