using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Ingest;

/// <summary>The writer loop's promises, on a store the test holds open: ack only after the append, group commits.</summary>
public sealed class GroupCommitWriterTests : IAsyncLifetime
{
    private readonly GatedStore _store = new();
    private readonly RecordingAckSender _acks = new();
    private readonly IngestCounts _counters = new();
    private readonly GroupCommitWriter _writer;

    public GroupCommitWriterTests()
    {
        _writer = new GroupCommitWriter(
            _store, _acks, _counters, TimeProvider.System, Options.Create(new IngestOptions { MaxSeqAhead = 1000 }), NullLogger<GroupCommitWriter>.Instance);
    }

    public Task InitializeAsync() => _writer.StartAsync(CancellationToken.None);

    public Task DisposeAsync()
    {
        _store.Release();
        return _writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Ack_is_sent_only_after_the_append_returned()
    {
        var stored = _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 3)));
        await _store.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);

        Assert.False(stored.IsCompleted);
        Assert.Empty(_acks.Sent);

        _store.Release();

        Assert.Equal(IngestResult.Stored, await stored.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => _acks.Sent.Count == 1);
        Assert.Equal(("dev-a", 3L), _acks.Sent.Single());
    }

    [Fact]
    public async Task Batches_that_queue_during_a_commit_are_stored_together_in_the_next_one()
    {
        var first = _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 2)));
        await _store.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = Enumerable.Range(0, 5).Select(d => _writer.StoreAsync(new EventBatch($"dev-{d}", Events.Ratings(1, 4)))).ToList();

        _store.Release();
        await Task.WhenAll(queued.Append(first)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1, 5], _store.BatchesPerAppend);
        Assert.Equal(2, _counters.Snapshot().Commits);
    }

    [Fact]
    public async Task A_draining_devices_batches_are_taken_during_a_slow_commit_stored_together_and_acked_only_once_stored()
    {
        var ingest = Ingest();
        var holding = _writer.StoreAsync(new EventBatch("dev-other", Events.Ratings(1, 1)));
        await _store.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 3; i++)
        {
            var taken = ingest.IngestAsync("dev-a", Payload("dev-a", (i * 10) + 1, (i * 10) + 10), CancellationToken.None, IngestHandOff.WhenQueued);
            Assert.Equal(IngestResult.Stored, await taken.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Empty(_acks.Sent);
        _store.Release();
        await WaitUntilAsync(() => _acks.Sent.Any(a => a.Device == "dev-a"));
        Assert.Equal([1, 3], _store.BatchesPerAppend);
        Assert.Equal(("dev-a", 30L), _acks.Sent.Single(a => a.Device == "dev-a"));
        Assert.Equal(IngestResult.Stored, await holding);
    }

    [Fact]
    public async Task A_device_with_its_queued_batches_at_the_bound_waits_for_the_store_before_its_next_batch_is_taken()
    {
        var ingest = Ingest();
        var holding = _writer.StoreAsync(new EventBatch("dev-other", Events.Ratings(1, 1)));
        await _store.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < EventIngest.MaxQueuedBatchesPerDevice; i++)
        {
            await ingest.IngestAsync("dev-a", Payload("dev-a", i + 1, i + 1), CancellationToken.None, IngestHandOff.WhenQueued).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var beyond = ingest.IngestAsync("dev-a", Payload("dev-a", 100, 100), CancellationToken.None, IngestHandOff.WhenQueued);
        await Task.Delay(300);
        Assert.False(beyond.IsCompleted);

        _store.Release();
        Assert.Equal(IngestResult.Stored, await beyond.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(IngestResult.Stored, await holding);
    }

    private EventIngest Ingest() => new(_writer, _counters, new UnknownDevices(), [], [], NullLogger<EventIngest>.Instance);

    private static ReadOnlySequence<byte> Payload(string device, long from, long to) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new EventBatch(device, Events.Ratings(from, to)), WireJson.Default.EventBatch));

    [Fact]
    public async Task Failed_append_reports_not_stored_and_sends_no_ack()
    {
        _store.FailNext = true;
        _store.Release();

        var result = await _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 2))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(IngestResult.NotStored, result);
        Assert.Empty(_acks.Sent);
        Assert.Equal(1, _counters.Snapshot().NotStored);
    }

    [Fact]
    public async Task Requested_ack_carries_what_the_store_holds()
    {
        _store.Release();
        await _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 6)));
        await WaitUntilAsync(() => _acks.Sent.Count == 1);

        _writer.RequestAck("dev-a");

        await WaitUntilAsync(() => _acks.Sent.Count == 2);
        Assert.Equal(("dev-a", 6L), _acks.Sent.Last());
    }

    [Fact]
    public async Task An_ack_publish_that_times_out_is_counted_and_the_loop_stores_and_acks_the_next_batch()
    {
        // A broker that does not answer in time: the sender's own deadline ends as OperationCanceledException, as
        // MQTTnet's PublishAsync does. That once stopped the writer loop, and with it the whole node.
        _store.Release();
        _acks.TimeOutNext = true;
        Assert.Equal(IngestResult.Stored, await _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 2))).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => _counters.Snapshot().AcksNotSent == 1);

        Assert.Equal(IngestResult.Stored, await _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(3, 4))).WaitAsync(TimeSpan.FromSeconds(10)));

        await WaitUntilAsync(() => _acks.Sent.Count == 1);
        Assert.Equal(("dev-a", 4L), _acks.Sent.Single());
    }

    [Fact]
    public async Task Acks_requested_by_many_reconnecting_devices_each_carry_what_the_store_holds()
    {
        _store.Release();
        var devices = Enumerable.Range(0, 300).Select(i => $"dev-{i:D3}").ToList();
        await Task.WhenAll(devices.Select((d, i) => _writer.StoreAsync(new EventBatch(d, Events.Ratings(1, 1 + (i % 7))))));
        await WaitUntilAsync(() => _acks.Sent.Count == devices.Count);

        devices.ForEach(_writer.RequestAck);

        await WaitUntilAsync(() => _acks.Sent.Count == 2 * devices.Count);
        var resent = _acks.Sent.Skip(devices.Count).ToDictionary(a => a.Device, a => a.UpTo);
        Assert.Equal(devices.Select((d, i) => (d, 1L + (i % 7))), devices.Select(d => (d, resent[d])));
    }

    [Fact]
    public async Task A_turns_slow_ack_publish_does_not_hold_the_next_append_and_a_devices_acks_keep_their_order()
    {
        _store.Release();
        _acks.Hold();
        Assert.Equal(IngestResult.Stored, await _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 2))).WaitAsync(TimeSpan.FromSeconds(10)));
        await _acks.HeldStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The first turn's ack is still being published: the next turn is stored meanwhile, its ack waits.
        Assert.Equal(IngestResult.Stored, await _writer.StoreAsync(new EventBatch("dev-b", Events.Ratings(1, 3))).WaitAsync(TimeSpan.FromSeconds(10)));
        var later = _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(3, 5)));
        await Task.Delay(100);
        Assert.Empty(_acks.Sent);

        _acks.ReleaseHeld();

        Assert.Equal(IngestResult.Stored, await later.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => _acks.Sent.Count == 3);
        Assert.Equal([2L, 5L], _acks.Sent.Where(a => a.Device == "dev-a").Select(a => a.UpTo));
        Assert.Equal(("dev-b", 3L), _acks.Sent.Single(a => a.Device == "dev-b"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Batch_far_beyond_the_devices_ack_is_refused_and_the_others_of_its_turn_are_stored()
    {
        _store.Release();
        var far = _writer.StoreAsync(new EventBatch("dev-far", [Events.Rating(5000, 4)]));
        var near = _writer.StoreAsync(new EventBatch("dev-near", Events.Ratings(1, 2)));

        Assert.Equal(IngestResult.SeqOutOfWindow, await far.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(IngestResult.Stored, await near.WaitAsync(TimeSpan.FromSeconds(10)));
        var counters = _counters.Snapshot();
        Assert.Equal(1, counters.RejectedByDevice["dev-far"]["seq-out-of-window"]);
        Assert.False(counters.RejectedByDevice.ContainsKey("dev-near"));
    }

    [Fact]
    public async Task A_batch_the_store_refuses_fails_alone_and_not_the_other_devices_of_its_commit_turn()
    {
        _store.PoisonDevice = "dev-poison";
        var first = _writer.StoreAsync(new EventBatch("dev-a", Events.Ratings(1, 1)));
        await _store.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var poison = _writer.StoreAsync(new EventBatch("dev-poison", Events.Ratings(1, 2)));
        var good = _writer.StoreAsync(new EventBatch("dev-good", Events.Ratings(1, 2)));

        _store.Release();

        Assert.Equal(IngestResult.Stored, await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(IngestResult.NotStored, await poison.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(IngestResult.Stored, await good.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => _acks.Sent.Any(a => a.Device == "dev-good"));
        Assert.DoesNotContain(_acks.Sent, a => a.Device == "dev-poison");
    }

    /// <summary>A store whose appends wait until the test releases them; upTo is the highest seq seen per device.</summary>
    private sealed class GatedStore : IEventStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, long> _upTo = new();

        public TaskCompletionSource AppendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> BatchesPerAppend { get; } = [];

        public bool FailNext { get; set; }

        /// <summary>Appends that include this device fail, as LiteDB fails a transaction with a key it cannot index.</summary>
        public string? PoisonDevice { get; set; }

        public void Release() => _gate.TrySetResult();

        public async Task<IReadOnlyDictionary<string, long>> AppendAsync(IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
        {
            AppendStarted.TrySetResult();
            await _gate.Task;
            lock (BatchesPerAppend)
            {
                BatchesPerAppend.Add(batches.Count);
            }

            if (FailNext)
            {
                FailNext = false;
                throw new IOException("disk full");
            }

            if (batches.Any(b => b.DeviceId == PoisonDevice))
            {
                throw new InvalidOperationException("Index key must be less than 1023 bytes");
            }

            foreach (var batch in batches)
            {
                _upTo.AddOrUpdate(batch.DeviceId, batch.Events.Max(e => e.Seq), (_, old) => Math.Max(old, batch.Events.Max(e => e.Seq)));
            }

            return batches.Select(b => b.DeviceId).Distinct().ToDictionary(d => d, d => _upTo[d]);
        }

        public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) => Task.FromResult(_upTo.GetValueOrDefault(deviceId));

        public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class UnknownDevices : IDeviceDirectory
    {
        public DeviceAssignment? Find(string deviceId) => null;
    }

    private sealed class RecordingAckSender : IAckSender
    {
        private readonly ConcurrentQueue<(string, long)> _sent = new();

        public IReadOnlyList<(string Device, long UpTo)> Sent => _sent.ToList();

        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holdNext;

        /// <summary>The next publish fails as a publish past its own deadline does.</summary>
        public bool TimeOutNext { get; set; }

        /// <summary>Set when the held publish has started (see <see cref="Hold"/>).</summary>
        public TaskCompletionSource HeldStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The next publish waits for <see cref="ReleaseHeld"/>, as one to a slow broker does.</summary>
        public void Hold() => _holdNext = 1;

        public void ReleaseHeld() => _release.TrySetResult();

        public async Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken)
        {
            if (TimeOutNext)
            {
                TimeOutNext = false;
                throw new OperationCanceledException(new CancellationToken(canceled: true));
            }

            if (Interlocked.Exchange(ref _holdNext, 0) == 1)
            {
                HeldStarted.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            _sent.Enqueue((deviceId, ack.UpTo));
        }
    }
}
