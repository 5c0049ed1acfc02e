using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Clock;
using Edge.Fleet.Ingest;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Queue;

/// <summary>
/// Where device messages meet the queue: call requests on <c>edge/v1/{device}/queue/call</c> are answered on
/// <c>.../queue/called</c>, and every stored events batch feeds its ticket events to the <see cref="IQueueStore"/>.
/// The centre of a device is the registry's (devices of an open broker, not enrolled, share <see cref="NoCentre"/>).
/// </summary>
public sealed class QueueDesk(
    IQueueStore store,
    DeviceRegistry registry,
    IQueueReplySender replies,
    DeviceTimeline timeline,
    TimeProvider time,
    IOptions<QueueOptions> options,
    QueueRefusalCounts refusals,
    ILogger<QueueDesk> logger) : IDeviceRequestHandler, IBatchGate
{
    private readonly QueueRules _rules = options.Value.Rules();
    private long _applyFailures;
    private long _callsNotAnswered;

    /// <summary>Centre of devices the registry does not know.</summary>
    public const string NoCentre = "default";

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public string CentreOf(string deviceId) => registry.CentreOf(deviceId) is { Length: > 0 } centre ? centre : NoCentre;

    /// <summary>Today's queue day (yyyy-MM-dd) by the fleet's clock in the centres' time zone.</summary>
    public string Today() => DayOf(time.GetUtcNow());

    /// <summary>
    /// A kiosk with a synchronised clock is taken at its word. One without (a Pi without an RTC that restarted before
    /// NTP) may label its tickets with an earlier day, which would never be called: its ticket joins the list of the
    /// day it was really issued, from the kiosk's run anchored by its latest heartbeat, or from its arrival when no
    /// heartbeat of that run has been seen (a ticket delivered late then joins the day it arrived).
    /// </summary>
    public TicketPlace PlaceTicket(string deviceId, DeviceEvent issued)
    {
        if (issued.ClockSynced != false)
        {
            return TicketPlace.AsLabelled(issued);
        }

        var at = timeline.TrueTimeOf(deviceId, issued) ?? time.GetUtcNow();
        return new TicketPlace(at, DayOf(at));
    }

    private string DayOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).ToString(QueueDays.Format, CultureInfo.InvariantCulture);

    /// <summary>The queue's topics: <c>edge/v1/{device}/queue/...</c>.</summary>
    public bool Owns(string topic) => QueueTopics.TryParse(topic, out _);

    /// <summary>A call request (<c>queue/call</c>) is answered and consumed; the queue's other topics are routed as usual.</summary>
    public async Task<bool> HandleAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!QueueTopics.TryParse(topic, out var address) || address.Kind != QueueTopicKind.Call)
        {
            return false;
        }

        await HandleAsync(address, payload, cancellationToken);
        return true;
    }

    public async Task HandleAsync(QueueTopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (address.Kind != QueueTopicKind.Call)
        {
            return;
        }

        CallRequest? request;
        try
        {
            var reader = new Utf8JsonReader(payload);
            request = JsonSerializer.Deserialize(ref reader, WireJson.Default.CallRequest);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored unreadable call request of {Device}: {Error}", address.DeviceId, ex.Message);
            return;
        }

        if (request is null || string.IsNullOrEmpty(request.RequestId) || request.Fields is null)
        {
            return;
        }

        CallReply reply;
        try
        {
            reply = await AnswerAsync(CentreOf(address.DeviceId), address.DeviceId, request, cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            // Nothing handed out, nothing answered: the counter shows "----" after Queue:CallTimeoutMs (or asks its
            // centre's kiosks) and asks again. The outage is logged once and counted by StoreOutages.
            Interlocked.Increment(ref _callsNotAnswered);
            logger.LogDebug("Call request of {Device} not answered: {Reason}", address.DeviceId, ex.Message);
            return;
        }

        if (reply.Reason is { } reason)
        {
            refusals.Count(reason);
            logger.LogWarning("Refused {Action} of counter {Counter} ({Device}): {Reason} ({Error})", request.Action, request.Counter, address.DeviceId, reason, reply.Error);
        }
        else if (reply.Ticket is not null && request.Action != CallActions.Waiting)
        {
            logger.LogInformation("Counter {Counter} ({Device}) {Action}: {Ticket} ({Field})", request.Counter, address.DeviceId, request.Action, reply.Ticket, reply.Field);
        }

        await replies.SendAsync(address.DeviceId, reply, cancellationToken);
    }

    /// <summary>
    /// The answer to one request of a device of <paramref name="centre"/>: what the registry refuses first (a field the
    /// counter does not serve, a transfer to a counter nobody serves, a ticket code of another centre's kiosk), then
    /// the store's answer. A refusal changes nothing and carries a reason the counter display shows.
    /// </summary>
    public async Task<CallReply> AnswerAsync(string centre, string deviceId, CallRequest request, CancellationToken cancellationToken)
    {
        if (!CallActions.IsValid(request.Action))
        {
            return QueueRefusal.Refuse(request, CallRefusals.BadRequest, $"unknown action '{request.Action}'");
        }

        if (request.Action == CallActions.Waiting)
        {
            return QueueWaitEstimate.Reply(request, await store.TicketsAsync(centre, Today(), cancellationToken), time.GetUtcNow().UtcDateTime);
        }

        var checkedRequest = await CheckAsync(centre, request, cancellationToken);
        if (checkedRequest.Refusal is { } refused)
        {
            return refused;
        }

        var reply = await store.ActAsync(centre, deviceId, checkedRequest.Request, Today(), time.GetUtcNow(), _rules, cancellationToken);
        return await WithKioskAsync(centre, reply, cancellationToken);
    }

    /// <summary>
    /// Names the kiosk that issued the ticket handed out, so the counter can confirm the hand-out with it on the centre's
    /// LAN (the kiosk is the ticket's authority while the fleet is unreachable; README, "When the centre loses its link").
    /// </summary>
    private async Task<CallReply> WithKioskAsync(string centre, CallReply reply, CancellationToken cancellationToken)
    {
        if (reply is not { Reason: null, Ticket: { } number, Day: { } day })
        {
            return reply;
        }

        var ticket = (await store.TicketsAsync(centre, day, cancellationToken)).FirstOrDefault(t => t.Number == number && t.Day == day)
                     ?? (await store.TicketsAsync(centre, Today(), cancellationToken)).FirstOrDefault(t => t.Number == number && t.Day == day);
        return ticket is null ? reply : reply with { Kiosk = ticket.Kiosk };
    }

    private async Task<(CallRequest Request, CallReply? Refusal)> CheckAsync(string centre, CallRequest request, CancellationToken cancellationToken)
    {
        if (request.Field is { } field && request.Fields.Count > 0 && !request.Fields.Contains(field))
        {
            return (request, QueueRefusal.Refuse(request, CallRefusals.FieldNotServed, $"counter {request.Counter} does not serve '{field}'"));
        }

        if (request.Action == CallActions.Next)
        {
            return (request, null);
        }

        if (string.IsNullOrEmpty(request.Ticket))
        {
            return (request, QueueRefusal.Refuse(request, CallRefusals.BadRequest, $"{request.Action} names no ticket"));
        }

        if (TicketCode.TryParse(request.Ticket, out var code))
        {
            if (CentreOf(code.Kiosk) != centre)
            {
                return (request, QueueRefusal.Refuse(request, CallRefusals.OtherCentre, $"ticket {code.Number} was issued by {code.Kiosk}, not at centre {centre}"));
            }

            request = request with { Ticket = code.Number, Day = code.Day };
        }

        if (request.Action != CallActions.Transfer)
        {
            return (request, null);
        }

        if (string.IsNullOrEmpty(request.ToCounter) == string.IsNullOrEmpty(request.ToField))
        {
            return (request, QueueRefusal.Refuse(request, CallRefusals.BadRequest, "a transfer names either a field or a counter"));
        }

        if (request.ToCounter is { Length: > 0 } to && !await IsCounterOfAsync(centre, to, cancellationToken))
        {
            return (request, QueueRefusal.Refuse(request, CallRefusals.UnknownCounter, $"no counter {to} at centre {centre}"));
        }

        return request.ToField is { Length: > QueueEvents.MaxKeyLength }
            ? (request, QueueRefusal.Refuse(request, CallRefusals.BadRequest, "field name too long"))
            : (request, null);
    }

    /// <summary>A counter of the centre: an active device enrolled at it, or (devices not enrolled) one that called a ticket today.</summary>
    private async Task<bool> IsCounterOfAsync(string centre, string counter, CancellationToken cancellationToken) =>
        registry.DeviceIdsOf(centre).Select(registry.Find).Any(d => d is { Status: DeviceStates.Active } && d.Role != DeviceRoles.Kiosk && d.Counter == counter)
        || (await store.TicketsAsync(centre, Today(), cancellationToken)).Any(t => t.Counter == counter);

    /// <summary>
    /// Before ingest stores a batch (<see cref="IBatchGate"/>): its queue events update the waiting lists, so that the
    /// device's ack (sent once ingest has stored the batch) never frees events the lists have not taken. Applied after
    /// the ack, a fleet killed in between lost those tickets from the lists for good (the flapping-link test found it).
    /// Applying is idempotent, so a batch that ingest then fails to store, and that the device sends again, changes
    /// nothing the second time. True: go on to store. False: the queue store failed (logged, counted in
    /// <see cref="QueueApplyFailures"/>), and the batch is not stored nor acknowledged, so the device keeps it and sends
    /// it again. Ingest has read the batch once and checked it is a valid batch of this device.
    /// </summary>
    public async Task<bool> BeforeStoreAsync(string deviceId, EventBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.ApplyAsync(CentreOf(deviceId), deviceId, batch.Events, e => PlaceTicket(deviceId, e), cancellationToken);
            return true;
        }
        catch (StoreUnavailableException ex)
        {
            // The queue's file is down (a full disk): logged once per outage by StoreOutages, not once per batch.
            Interlocked.Increment(ref _applyFailures);
            logger.LogDebug("Queue could not apply a batch of {Device}: {Reason}", deviceId, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Increment(ref _applyFailures);
            logger.LogWarning("Queue could not apply a batch of {Device} ({Error}): not stored nor acknowledged, the device sends it again", deviceId, ex.Message);
            return false;
        }
    }

    /// <summary>Batches not stored because the queue store failed to apply them (the device sent them again).</summary>
    public long QueueApplyFailures => Interlocked.Read(ref _applyFailures);

    /// <summary>Call requests left unanswered because the queue store could not be used (the counter asks again).</summary>
    public long CallsNotAnswered => Interlocked.Read(ref _callsNotAnswered);
}
