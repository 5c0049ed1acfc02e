using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Clock;
using Edge.Fleet.Health;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// What the desk does while the queue's file is on a full disk: a batch with a ticket is held back (not stored, so not
/// acked: the kiosk sends it again) and a call-next is left unanswered (nothing handed out; the counter asks again),
/// both counted; once the file has reopened the same batch and the same request go through.
/// </summary>
public sealed class QueueDeskFullDiskTests : IDisposable
{
    private const string Kiosk = "kiosk-1";
    private const string Field = "Tư pháp";

    private readonly TempFolder _folder = new("queue-desk-full-disk");
    private readonly FullDiskOutage _outage = new();
    private readonly LiteQueueStore _store;
    private readonly RegistryFile _registryDb;
    private readonly RecordedReplies _replies = new();
    private readonly QueueDesk _desk;

    public QueueDeskFullDiskTests()
    {
        _store = new LiteQueueStore(LiteQueueStore.FileName, _outage.Outages, _outage.Opening);
        _registryDb = new RegistryFile(_folder["registry.db"]);
        _desk = new QueueDesk(
            _store, new DeviceRegistry(_registryDb, _outage.Time), _replies, new DeviceTimeline(new HeartbeatBoard()), _outage.Time,
            Options.Create(new QueueOptions()), new QueueRefusalCounts(), NullLogger<QueueDesk>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _registryDb.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task On_a_full_disk_a_ticket_batch_is_held_back_and_a_call_left_unanswered_then_both_go_through_without_a_restart()
    {
        var batch = TicketBatch("A001");
        var call = Call(new CallRequest("call-1", CallActions.Next, "1", [Field]));

        _outage.Disk.Full = true;
        Assert.False(await _desk.BeforeStoreAsync(Kiosk, batch, CancellationToken.None));
        await _desk.HandleAsync(new QueueTopicAddress("counter-1", QueueTopicKind.Call), call, CancellationToken.None);

        Assert.Equal(1, _desk.QueueApplyFailures);
        Assert.Equal(1, _desk.CallsNotAnswered);
        Assert.Empty(_replies.Sent);
        Assert.Contains("the queue store", _outage.Outages.Problem(), StringComparison.Ordinal);

        _outage.Disk.Full = false;
        _outage.Time.Advance(FullDiskOutage.FirstRetry * 2);
        Assert.True(await _desk.BeforeStoreAsync(Kiosk, batch, CancellationToken.None));
        await _desk.HandleAsync(new QueueTopicAddress("counter-1", QueueTopicKind.Call), call, CancellationToken.None);

        Assert.Equal(("call-1", "A001"), (Assert.Single(_replies.Sent).RequestId, _replies.Sent[0].Ticket));
        Assert.Null(_outage.Outages.Problem());
        Assert.Equal(1, _desk.CallsNotAnswered);
    }

    private EventBatch TicketBatch(string number) =>
        new(Kiosk, [new DeviceEvent { Seq = 1, Kind = EventKinds.TicketIssued, At = _outage.Time.GetUtcNow(), Ticket = number, Field = Field, Detail = _desk.Today() }]);

    private static ReadOnlySequence<byte> Call(CallRequest request) => new(JsonSerializer.SerializeToUtf8Bytes(request, WireJson.Default.CallRequest));

    private sealed class RecordedReplies : IQueueReplySender
    {
        public List<CallReply> Sent { get; } = [];

        public Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken)
        {
            Sent.Add(reply);
            return Task.CompletedTask;
        }
    }
}
