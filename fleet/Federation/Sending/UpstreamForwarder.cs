using Edge.Fleet.Centres;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Federation.Sending;

/// <summary>
/// The lower fleet's durable sender. Its source is its own event store, read per device from a persisted cursor
/// (<see cref="IFederationStore.ReadCursorsAsync"/>): the events are already stored durably once, in seq order, and
/// only up to each device's contiguous ack (<see cref="DeviceSequence.UpTo"/>), so a second outbox written in the
/// ingest commit would hold the same rows twice and touch the hottest path of the fleet for nothing.
/// Each batch is one device's events after its cursor; the cursor moves only when the upper fleet's ack (sent after
/// its durable commit) says so. A crash between the upper fleet's commit and the cursor's write resends a batch the
/// upper fleet already holds: it stores each (fleet, device, seq) once and acks again, so nothing is doubled.
/// With several nodes on PostgreSQL only the leader forwards (<see cref="IFleetLeadership"/>).
/// </summary>
public sealed class UpstreamForwarder(
    IEventStore events,
    IFederationStore store,
    DeviceRegistry registry,
    ICentreDirectory directory,
    IFleetLeadership leadership,
    UpstreamClaim claim,
    FederationCounts counters,
    IOptions<FederationOptions> options,
    ILogger<UpstreamForwarder> logger) : BackgroundService
{
    // Cursors the upper fleet answered below: it lost what it had acknowledged (restored from an older backup).
    // Held in memory only: after a restart the first ack finds it again.
    private readonly Dictionary<string, long> _rewound = new(StringComparer.Ordinal);

    private UpstreamOptions Upstream => options.Value.Upstream;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromSeconds(Upstream.RetrySeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (leadership.IsLeader)
                {
                    // Also while the upper fleet cannot be reached: that is when the backlog matters.
                    await RefreshBacklogAsync(stoppingToken);
                }

                if (leadership.IsLeader && await claim.GetAsync(stoppingToken) is { } identity)
                {
                    await ForwardWhileConnectedAsync(identity, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (UpstreamRefusedException ex)
            {
                counters.SendFailed(ex.Message);
                logger.LogWarning("The upper fleet's broker refused this fleet: {Reason}", ex.Message);
            }
            catch (StoreUnavailableException ex)
            {
                counters.SendFailed("store-unavailable");
                logger.LogWarning("Not forwarding while the store is unavailable: {Reason}", ex.Message);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                counters.SendFailed("upstream-unreachable");
                logger.LogWarning("The upper fleet cannot be reached: {Error}", ex.Message);
            }
            catch (Exception ex)
            {
                // A forwarder that stopped would leave the backlog growing unseen: count, log, try again.
                counters.SendFailed("unexpected");
                logger.LogError(ex, "Forwarding to the upper fleet failed");
            }
            finally
            {
                counters.SetConnected(false);
            }

            await Task.Delay(pause, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ForwardWhileConnectedAsync(UpstreamIdentity identity, CancellationToken cancellationToken)
    {
        var (host, port) = Upstream.Broker is { } broker && FederationOptions.TryParseBroker(broker, out var h, out var p)
            ? (h, p)
            : (identity.MqttHost, identity.MqttPort);
        await using var link = await UpstreamLink.ConnectAsync(identity, host, port, cancellationToken);
        counters.SetConnected(true);
        logger.LogInformation("Forwarding to the upper fleet at {Host}:{Port} as {Id}", host, port, identity.FleetId);
        while (link.IsConnected && leadership.IsLeader && !cancellationToken.IsCancellationRequested)
        {
            if (await ForwardRoundAsync(link, cancellationToken) == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(Upstream.RetrySeconds), cancellationToken);
            }
        }
    }

    private async Task RefreshBacklogAsync(CancellationToken cancellationToken)
    {
        var sequences = await events.ListSequencesAsync(cancellationToken);
        var cursors = await store.ReadCursorsAsync(cancellationToken);
        counters.SetBacklog(sequences.Where(s => DeviceId.IsValid(s.DeviceId))
            .Sum(s => Math.Max(0, s.UpTo - (_rewound.TryGetValue(s.DeviceId, out var rewound) ? rewound : cursors.GetValueOrDefault(s.DeviceId)))));
    }

    /// <summary>One pass over every device with events the upper fleet has not acknowledged; returns how many were acknowledged.</summary>
    private async Task<long> ForwardRoundAsync(UpstreamLink link, CancellationToken cancellationToken)
    {
        var sequences = (await events.ListSequencesAsync(cancellationToken)).Where(s => DeviceId.IsValid(s.DeviceId)).ToList();
        var cursors = await store.ReadCursorsAsync(cancellationToken);
        long CursorOf(string device) => _rewound.TryGetValue(device, out var rewound) ? rewound : cursors.GetValueOrDefault(device);

        var backlog = sequences.Sum(s => Math.Max(0, s.UpTo - CursorOf(s.DeviceId)));
        counters.SetBacklog(backlog);
        long acked = 0;
        foreach (var sequence in sequences)
        {
            var device = sequence.DeviceId;
            var cursor = CursorOf(device);
            while (cursor < sequence.UpTo && link.IsConnected && !cancellationToken.IsCancellationRequested)
            {
                var batch = (await events.ReadEventsAsync(device, cursor, Upstream.BatchSize, cancellationToken))
                    .Where(e => e.Seq <= sequence.UpTo)
                    .Select(Travelling)
                    .ToList();
                if (batch.Count == 0)
                {
                    break;
                }

                var centre = registry.CentreOf(device) ?? "";
                var entry = directory.Find(centre);
                var outcome = await link.SendAsync(new ForwardedBatch(device, centre, batch, entry?.Name, entry?.Province),
                    TimeSpan.FromSeconds(Upstream.AckTimeoutSeconds), cancellationToken);
                counters.Sent(batch.Count);
                if (outcome.Ack is not { } ack)
                {
                    counters.SendFailed(outcome.Failure ?? "no-ack");
                    logger.LogWarning("Batch of {Device} (seq {First}-{Last}) not acknowledged: {Reason}", device, batch[0].Seq, batch[^1].Seq, outcome.Failure);
                    return acked;
                }

                var advancedTo = await AdvanceAsync(device, cursor, cursors.GetValueOrDefault(device), ack.UpTo, cancellationToken);
                if (advancedTo <= cursor)
                {
                    counters.SendFailed("ack-without-progress");
                    logger.LogWarning("The upper fleet acked {Device} up to {UpTo}, no progress past {Cursor}", device, ack.UpTo, cursor);
                    return acked;
                }

                acked += advancedTo - cursor;
                backlog -= Math.Min(backlog, advancedTo - cursor);
                counters.SetBacklog(backlog);
                cursor = advancedTo;
            }
        }

        return acked;
    }

    /// <summary>Records the ack; returns the device's cursor after it.</summary>
    private async Task<long> AdvanceAsync(string device, long cursor, long persisted, long ackedUpTo, CancellationToken cancellationToken)
    {
        if (ackedUpTo < persisted)
        {
            // The upper fleet holds less than it once acknowledged: send again from what it holds.
            if (!_rewound.ContainsKey(device))
            {
                counters.SendFailed("upstream-behind");
                logger.LogError("The upper fleet acked {Device} up to {UpTo} after acking {Persisted}: it lost events; sending them again", device, ackedUpTo, persisted);
            }

            _rewound[device] = ackedUpTo;
            counters.AckedEvents(Math.Max(0, ackedUpTo - cursor));
            return Math.Max(cursor, ackedUpTo);
        }

        _rewound.Remove(device);
        // The ack may run past what this batch carried when the upper fleet held more already (this fleet's cursor
        // file was restored from an older backup): what it holds need not be sent again.
        await store.AdvanceCursorAsync(device, ackedUpTo, cancellationToken);
        counters.AckedEvents(Math.Max(0, ackedUpTo - cursor));
        return Math.Max(cursor, ackedUpTo);
    }

    /// <summary>Ratings and ticket events travel whole; anything else only as its seq (so the upper fleet's ack can pass it).</summary>
    private static DeviceEvent Travelling(DeviceEvent e) =>
        ForwardedKinds.TravelsWhole(e.Kind) ? e : new DeviceEvent { Seq = e.Seq, Kind = ForwardedKinds.Omitted, At = e.At };
}
