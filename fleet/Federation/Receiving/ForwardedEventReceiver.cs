using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Ingest;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Federation.Receiving;

/// <summary>
/// The upper fleet's idempotent receiver of <c>fleets/{fleet}/events</c>, whichever broker the batch came through
/// (the router hands it over from the embedded broker and from this node's client of an external one). The sender is
/// the authenticated registry entry of role <c>fleet</c> named by the topic (the broker's ACL lets it publish nowhere
/// else); the batch's events are vetted as a device's, stored in this fleet's event store as device
/// <c>{fleet}.{device}</c> (so each (fleet, device, seq) is stored once, whatever is resent), and acked on
/// <c>fleets/{fleet}/ack</c> through the device downlink (<see cref="IDeviceDownlink"/>: injected into the embedded
/// broker, or published by this node's client) once the append is durable, before the PUBACK.
/// A refused batch is counted by reason, stores nothing and gets a failure reason code in its PUBACK (an external
/// broker does not pass that code on to the sender: there the sender's ack timeout and resend are the outcome).
/// </summary>
public sealed class ForwardedEventReceiver : IFleetTopicConsumer
{
    /// <summary>How far above the stored contiguous seq a forwarded seq may be (as <c>Ingest:MaxSeqAhead</c> for devices).</summary>
    public const long MaxSeqAhead = 10_000_000;

    /// <summary>Longest centre id accepted from a lower fleet.</summary>
    public const int MaxCentreLength = 64;

    private readonly ConcurrentDictionary<string, string> _recorded = new(StringComparer.Ordinal);
    private readonly IEventStore _events;
    private readonly IFederationStore _store;
    private readonly DeviceRegistry _registry;
    private readonly FederationCounts _counters;
    private readonly TimeProvider _time;
    private readonly ILogger<ForwardedEventReceiver> _logger;
    private readonly Func<string, ForwardedAck, CancellationToken, Task> _sendAck;
    private readonly ForwardedCentreRecorder? _centres;

    /// <summary>The receiver; acks go out through <paramref name="downlink"/>, the broker mode's own.</summary>
    public ForwardedEventReceiver(
        IEventStore events, IFederationStore store, DeviceRegistry registry, FederationCounts counters, IDeviceDownlink downlink,
        TimeProvider time, ILogger<ForwardedEventReceiver> logger, ForwardedCentreRecorder centres)
        : this(events, store, registry, counters, time, logger, (fleet, ack, ct) => SendAckAsync(downlink, fleet, ack, ct), centres)
    {
    }

    /// <summary>
    /// Test seam: <paramref name="sendAck"/> publishes an ack on <c>fleets/{fleet}/ack</c>; <paramref name="centres"/>
    /// enters forwarded centres in the directory (none: they are not entered).
    /// </summary>
    internal ForwardedEventReceiver(
        IEventStore events, IFederationStore store, DeviceRegistry registry, FederationCounts counters, TimeProvider time,
        ILogger<ForwardedEventReceiver> logger, Func<string, ForwardedAck, CancellationToken, Task> sendAck, ForwardedCentreRecorder? centres = null)
    {
        _centres = centres;
        _events = events;
        _store = store;
        _registry = registry;
        _counters = counters;
        _time = time;
        _logger = logger;
        _sendAck = sendAck;
    }

    public bool Handles(string topic) => FederationTopics.TryParseEvents(topic, out _);

    public async Task<IngestResult?> ConsumeAsync(string? clientId, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        FederationTopics.TryParseEvents(topic, out var fleetId);

        // The embedded broker names the publisher; an external broker does not (clientId null), and there its ACL
        // (MosquittoAccessFiles, DynamicSecurityRoles) is what lets only this fleet publish on its topic.
        if ((clientId is not null && clientId != fleetId) || _registry.Find(fleetId) is not { Role: DeviceRoles.Fleet, Status: DeviceStates.Active })
        {
            return Refuse("not-this-fleet", IngestResult.DeviceMismatch, fleetId);
        }

        if (payload.Length > WireLimits.MaxEventsPayloadBytes)
        {
            return Refuse("oversized", IngestResult.Oversized, fleetId);
        }

        ForwardedBatch? batch;
        try
        {
            var reader = new Utf8JsonReader(payload);
            batch = JsonSerializer.Deserialize(ref reader, FederationJson.Default.ForwardedBatch);
        }
        catch (JsonException)
        {
            batch = null;
        }

        if (Problem(batch) is { } problem)
        {
            return Refuse(problem.Reason, problem.Result, fleetId);
        }

        var device = new ForwardedDevice(fleetId, batch!.DeviceId, batch.Centre);
        try
        {
            var storedAt = await _events.GetAckedUpToAsync(device.StoredAs, cancellationToken);
            if (batch.Events.Any(e => e.Seq > storedAt + MaxSeqAhead))
            {
                return Refuse("seq-out-of-window", IngestResult.SeqOutOfWindow, fleetId);
            }

            await RecordAsync(device, cancellationToken);
            if (_centres is not null)
            {
                await _centres.RecordAsync(device, batch.CentreName, batch.Province, cancellationToken);
            }

            var vetted = EventVetting.Vet(new EventBatch(device.StoredAs, batch.Events.Select(Stored).ToList()), null);
            var upTo = await _events.AppendAsync([vetted.Batch], _time.GetUtcNow(), cancellationToken);
            _counters.Received(batch.Events.Count);
            var ack = new ForwardedAck(batch.DeviceId, upTo.GetValueOrDefault(device.StoredAs));
            try
            {
                await _sendAck(fleetId, ack, cancellationToken);
                _counters.AckSent();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Stored all the same: without the ack the lower fleet times out and resends, and the resend is stored
                // once and acked then. Refusing the PUBACK would change nothing for it.
                _counters.AckFailed();
                _logger.LogWarning("Forwarded batch of {Fleet} stored, its ack not sent: {Error}", fleetId, ex.Message);
            }

            return IngestResult.Stored;
        }
        catch (StoreUnavailableException ex)
        {
            _logger.LogWarning("Forwarded batch of {Fleet} not stored: {Reason}", fleetId, ex.Message);
            return Refuse("not-stored", IngestResult.NotStored, fleetId);
        }
    }

    /// <summary>Why a parsed batch is refused as a whole, or null when it may be stored.</summary>
    private static (string Reason, IngestResult Result)? Problem(ForwardedBatch? batch)
    {
        if (batch?.Events is null || batch.Centre is null || !DeviceId.IsValid(batch.DeviceId)
            || batch.Centre.Length > MaxCentreLength || batch.Centre.Any(c => char.IsControl(c) || c == '/')
            || batch.Events.Any(e => e is null || string.IsNullOrEmpty(e.Kind)))
        {
            return ("malformed", IngestResult.Malformed);
        }

        if (batch.Events.Count > WireLimits.MaxEventsPerBatch)
        {
            return ("too-many-events", IngestResult.TooManyEvents);
        }

        return batch.Events.Any(e => e.Seq < 1) ? ("invalid-seq", IngestResult.InvalidSeq) : null;
    }

    /// <summary>What is kept of a forwarded event: ratings and ticket events whole, anything else as an omitted marker.</summary>
    private static DeviceEvent Stored(DeviceEvent e) =>
        ForwardedKinds.TravelsWhole(e.Kind) ? e : new DeviceEvent { Seq = e.Seq, Kind = ForwardedKinds.Omitted, At = e.At };

    /// <summary>The forwarded device's directory row, written before its events (so every stored rating has a centre).</summary>
    private async Task RecordAsync(ForwardedDevice device, CancellationToken cancellationToken)
    {
        if (_recorded.TryGetValue(device.StoredAs, out var centre) && centre == device.SourceCentre)
        {
            return;
        }

        await _store.RecordForwardedDeviceAsync(device, cancellationToken);
        _recorded[device.StoredAs] = device.SourceCentre;
    }

    private IngestResult Refuse(string reason, IngestResult result, string fleetId)
    {
        _counters.Refuse(reason);
        _logger.LogWarning("Refused a forwarded batch on fleets/{Fleet}/events: {Reason}", fleetId, reason);
        return result;
    }

    /// <summary>Not retained: the sender subscribes before it sends, waits for this ack, and resends when none comes in time.</summary>
    private static Task SendAckAsync(IDeviceDownlink downlink, string fleetId, ForwardedAck ack, CancellationToken cancellationToken) =>
        downlink.PublishAsync(FederationTopics.Ack(fleetId), JsonSerializer.SerializeToUtf8Bytes(ack, FederationJson.Default.ForwardedAck), retain: false, cancellationToken);
}
