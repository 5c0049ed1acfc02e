using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Edge.Fleet.Clock;
using Edge.Fleet.Ingest;
using Edge.Fleet.Registry;
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
    ILogger<QueueDesk> logger)
{
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

        var reply = CallActions.IsValid(request.Action)
            ? await store.CallNextAsync(CentreOf(address.DeviceId), address.DeviceId, request, Today(), time.GetUtcNow(), cancellationToken)
            : new CallReply(request.RequestId, null, null, null, 0, $"unknown action '{request.Action}'");
        if (reply.Ticket is not null)
        {
            logger.LogInformation("Counter {Counter} ({Device}) called {Ticket}", request.Counter, address.DeviceId, reply.Ticket);
        }

        await replies.SendAsync(address.DeviceId, reply, cancellationToken);
    }

    /// <summary>
    /// After ingest: a stored batch's queue events update the waiting lists (a redelivered batch is "stored" too, and
    /// applying it again changes nothing). Returns what ingest returned. A store failure propagates to the transport,
    /// which logs it.
    /// </summary>
    public async Task<IngestResult> AfterIngestAsync(string deviceId, ReadOnlySequence<byte> payload, IngestResult result, CancellationToken cancellationToken)
    {
        if (result != IngestResult.Stored)
        {
            return result;
        }

        EventBatch? batch;
        try
        {
            var reader = new Utf8JsonReader(payload);
            batch = JsonSerializer.Deserialize(ref reader, WireJson.Default.EventBatch);
        }
        catch (JsonException ex)
        {
            // Ingest accepted it, so this cannot happen short of a bug; the events are stored either way.
            logger.LogError("Queue could not read a stored batch of {Device}: {Error}", deviceId, ex.Message);
            return result;
        }

        if (batch is not null)
        {
            await store.ApplyAsync(CentreOf(deviceId), deviceId, batch.Events, e => PlaceTicket(deviceId, e), cancellationToken);
        }

        return result;
    }
}
