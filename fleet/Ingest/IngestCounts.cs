using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Edge.Fleet.Ingest;

/// <summary>
/// What ingest has done since this node started, for <c>GET /api/v1/ingest/counters</c> and, observed by
/// <see cref="IngestMetrics"/>, for <c>/metrics</c> (one tally for both). In memory on purpose: the store holds the
/// durable truth (sequences, gaps); these say how this node is coping right now.
/// </summary>
public sealed class IngestCounts
{
    private static readonly IngestResult[] Rejections =
        [IngestResult.Malformed, IngestResult.Oversized, IngestResult.TooManyEvents, IngestResult.DeviceMismatch, IngestResult.InvalidSeq,
         IngestResult.SeqOutOfWindow];

    /// <summary>Past this many (device, reason) pairs, new pairs are counted under <see cref="OtherDevices"/>: an open broker's
    /// clients choose their ids, and a counter must not grow without bound on their say.</summary>
    public const int MaxDeviceReasons = 10_000;

    public const string OtherDevices = "(other devices)";

    private readonly ConcurrentDictionary<IngestResult, long> _rejected = new();
    private readonly ConcurrentDictionary<(string Device, string Reason), long> _byDevice = new();
    private long _rejectedEvents;
    private long _batches;
    private long _events;
    private long _duplicates;
    private long _notStored;
    private long _commits;
    private long _acksSent;
    private long _acksNotSent;

    /// <summary>Tallies alone (tests).</summary>
    public IngestCounts()
    {
    }

    /// <summary>As registered: ingest's meter observes these tallies (<see cref="IngestMetrics"/>).</summary>
    public IngestCounts(IMeterFactory meters) => IngestMetrics.Observe(this, meters);

    public void Rejected(IngestResult reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>A batch of <paramref name="device"/> refused whole: counted per reason and per device.</summary>
    public void Rejected(string device, IngestResult reason)
    {
        Rejected(reason);
        CountFor(device, reason.CounterName(), 1);
    }

    /// <summary>Events of <paramref name="device"/> refused one by one (stored as markers), per reason code.</summary>
    public void RejectedEvents(string device, IEnumerable<(long Seq, string Reason)> rejected)
    {
        foreach (var group in rejected.GroupBy(r => r.Reason))
        {
            var n = group.LongCount();
            Interlocked.Add(ref _rejectedEvents, n);
            CountFor(device, group.Key, n);
        }
    }

    private void CountFor(string device, string reason, long n)
    {
        var key = _byDevice.ContainsKey((device, reason)) || _byDevice.Count < MaxDeviceReasons ? (device, reason) : (OtherDevices, reason);
        _byDevice.AddOrUpdate(key, n, (_, old) => old + n);
    }

    /// <summary>A group commit stored these batches; <paramref name="duplicates"/> of their events were stored before.</summary>
    public void Committed(int batches, long events, long duplicates)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _batches, batches);
        Interlocked.Add(ref _events, events);
        Interlocked.Add(ref _duplicates, duplicates);
    }

    public void NotStored(int batches) => Interlocked.Add(ref _notStored, batches);

    public void AckSent() => Interlocked.Increment(ref _acksSent);

    /// <summary>An ack the broker did not take in time (the events are stored; the device gets it when it resends).</summary>
    public void AckNotSent() => Interlocked.Increment(ref _acksNotSent);

    public IngestCountsView Snapshot() => Read(byDevice: true);

    /// <summary>The totals without the per-device breakdown (empty): cheap enough for every scrape.</summary>
    public IngestCountsView Totals() => Read(byDevice: false);

    private IngestCountsView Read(bool byDevice)
    {
        var events = Interlocked.Read(ref _events);
        var duplicates = Interlocked.Read(ref _duplicates);
        return new IngestCountsView(
            Batches: Interlocked.Read(ref _batches),
            Events: events,
            Accepted: events - duplicates,
            Duplicates: duplicates,
            Rejected: Rejections.ToDictionary(r => r.CounterName(), r => _rejected.GetValueOrDefault(r)),
            NotStored: Interlocked.Read(ref _notStored),
            Commits: Interlocked.Read(ref _commits),
            AcksSent: Interlocked.Read(ref _acksSent),
            AcksNotSent: Interlocked.Read(ref _acksNotSent),
            RejectedEvents: Interlocked.Read(ref _rejectedEvents),
            RejectedByDevice: !byDevice ? [] : _byDevice
                .GroupBy(kv => kv.Key.Device, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderBy(kv => kv.Key.Reason, StringComparer.Ordinal).ToDictionary(kv => kv.Key.Reason, kv => kv.Value)));
    }
}

/// <summary>
/// Ingest counters as served. <see cref="Events"/>: events in stored batches; <see cref="Duplicates"/>: those among
/// them at or below what the device had already been acknowledged (or repeated within one commit), skipped by the
/// store; <see cref="Accepted"/>: the rest, newly stored (a redelivery above a gap counts here: the store does not
/// tell which events it skipped, so <see cref="Duplicates"/> is a lower bound). <see cref="Rejected"/>: batches
/// refused per reason; <see cref="NotStored"/>: valid batches the store failed to take (the device resends them);
/// <see cref="AcksNotSent"/>: acks for stored events the broker did not take in time (the device resends and gets one).
/// <see cref="RejectedEvents"/>: events refused one by one (stored as <c>rejected</c> markers, never counted);
/// <see cref="RejectedByDevice"/>: per device, per reason code, refused batches and events (fleet/Ingest/README.md).
/// </summary>
public sealed record IngestCountsView(
    long Batches,
    long Events,
    long Accepted,
    long Duplicates,
    Dictionary<string, long> Rejected,
    long NotStored,
    long Commits,
    long AcksSent,
    long AcksNotSent,
    long RejectedEvents,
    Dictionary<string, Dictionary<string, long>> RejectedByDevice);
