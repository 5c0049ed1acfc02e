using System.Threading.Channels;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Counter;
using Edge.Device.Display;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A counter's call-next, recall and skip. Call-next first closes the ticket being served (ticket.served), then asks
/// the fleet, which holds the centre's waiting lists and hands each ticket to one counter only, for the next ticket
/// among the fields this counter serves; the answer is recorded (ticket.called) and shown on the display. Recall shows
/// the same number again (ticket.recalled); skip closes it as absent (ticket.skipped). Recall with no ticket being
/// served asks the fleet to call again the last ticket this counter skipped (its citizen came back), within the fleet's
/// recall window. A transfer button moves the ticket being served to another counter or field (ticket.transferred),
/// through the fleet, or through the ticket's kiosk during an outage. Every step is an outbox event. A refusal shows its code ("E2": unknown counter, ...;
/// <see cref="CallRefusals.Display"/>) and changes nothing. Without the fleet, and with the centre's LAN on
/// (<c>Lan:Listen</c> and a centre key, the fleet's or <c>Lan:CentreKey</c>), call-next goes through the kiosks (<see cref="LocalCaller"/>) and recall
/// is the counter's own; without the LAN call-next shows "----" after Queue:CallTimeoutMs and records nothing. The next
/// call-next asks the fleet again with the same request id, so a ticket the fleet handed out while its answer was lost
/// is shown then (fleet/Queue/README.md, "When the centre loses its link").
/// </summary>
public sealed class CounterCaller(
    IOptions<DeviceOptions> device,
    IOptions<QueueOptions> options,
    OutboxStore outbox,
    CallRequestSender fleet,
    LocalCaller centre,
    IOptions<Lan.LanOptions> lan,
    Lan.CentreKeys centreKeys,
    Lan.CentreQueueRules rules,
    Uplink.UplinkState uplink,
    CounterDisplay display,
    QueuePresses presses,
    HostClock clock,
    ILogger<CounterCaller> logger) : BackgroundService, ICurrentTicket
{
    public const string NoTicket = "----";

    private const string Skip = "skip";

    private readonly Channel<(string Action, int Pin, QueueTransferOptions? To)> _requests =
        Channel.CreateUnbounded<(string, int, QueueTransferOptions?)>(new UnboundedChannelOptions { SingleReader = true });

    private ServedTicket? _current;

    /// <summary>The ticket this counter skipped last (the loop's own), which recall calls again when its citizen returns.</summary>
    private ServedTicket? _lastSkipped;

    // A call-next the fleet has not answered yet. The fleet may have handed a ticket out for it and the answer been
    // lost (the node that answered died, the link dropped): the next call-next asks again with the same request id,
    // and the fleet, which keeps each counter's last answer, gives that ticket instead of skipping it for good.
    private CallRequest? _unanswered;

    public ServedTicket? Current => Volatile.Read(ref _current);

    public void OnNext(int pin) => _requests.Writer.TryWrite((CallActions.Next, pin, null));

    public void OnRecall(int pin) => _requests.Writer.TryWrite((CallActions.Recall, pin, null));

    public void OnSkip(int pin) => _requests.Writer.TryWrite((Skip, pin, null));

    public void OnTransfer(QueueTransferOptions to) => _requests.Writer.TryWrite((CallActions.Transfer, to.Pin, to));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (action, pin, to) in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (action)
                {
                    case CallActions.Next:
                        await CallNextAsync(stoppingToken);
                        break;
                    case CallActions.Recall when Current is null:
                        await RecallSkippedAsync(stoppingToken);
                        break;
                    case CallActions.Recall:
                        await RecordAsync(EventKinds.TicketRecalled, keepCurrent: true, stoppingToken);
                        break;
                    case CallActions.Transfer:
                        await TransferAsync(to!, stoppingToken);
                        break;
                    default:
                        _lastSkipped = Current ?? _lastSkipped;
                        await RecordAsync(EventKinds.TicketSkipped, keepCurrent: false, stoppingToken);
                        break;
                }
            }
            catch (Outbox.OutboxWriteException ex)
            {
                // A full disk must not stop the host: this call is not recorded, the press is answered by the log.
                logger.LogError("Queue action {Action} not recorded: {Error}", action, ex.Message);
            }
            finally
            {
                presses.OnHandled(pin);
            }
        }
    }

    private async Task CallNextAsync(CancellationToken cancellationToken)
    {
        await RecordAsync(EventKinds.TicketServed, keepCurrent: false, cancellationToken);
        if (!centreKeys.Ready)
        {
            await CallThroughFleetAsync(options.Value.CallTimeoutMs, cancellationToken);
            return;
        }

        // The centre's LAN (README, "When the centre loses its link"): the fleet first, unless the uplink is down or a
        // kiosk still hands out its tickets itself; the kiosks when the fleet does not answer within Lan:FleetWaitMs.
        if (uplink.Connected && !centre.KioskWasLocal && await CallThroughFleetAsync(lan.Value.FleetWaitMs, cancellationToken))
        {
            return;
        }

        var local = await centre.CallNextAsync(CallRequestSender.NewRequestId(), device.Value.Counter, options.Value.ServesFields, clock.Now.UtcDateTime, rules.Current, cancellationToken);
        switch (local.Outcome)
        {
            case LocalOutcome.Called:
                var ticket = new ServedTicket(local.Number!, local.Field!, local.Day!) { Kiosk = local.Kiosk };
                await outbox.AppendAsync(Draft(EventKinds.TicketCalled, ticket), cancellationToken);
                Volatile.Write(ref _current, ticket);
                Show(ticket.Number);
                logger.LogInformation("Called {Ticket} ({Field}) through kiosk {Kiosk} on the LAN; {Waiting} waiting", ticket.Number, ticket.Field, local.Kiosk, local.Left);
                await centre.TellHallsAsync(new LanHallCall(ticket.Number, ticket.Field, device.Value.Counter, clock.Now, Recall: false), cancellationToken);
                break;
            case LocalOutcome.AskFleet when uplink.Connected:
                await CallThroughFleetAsync(options.Value.CallTimeoutMs, cancellationToken);
                break;
            default:
                Show(NoTicket);
                break;
        }
    }

    /// <summary>
    /// Call-next answered by the fleet; false when it did not answer within <paramref name="timeoutMs"/>. With the LAN on,
    /// the hand-out is confirmed with the ticket's kiosk first: one the kiosk gave another counter during an outage (its
    /// event not yet at the fleet) is not called here, and the fleet is asked again.
    /// </summary>
    private async Task<bool> CallThroughFleetAsync(int timeoutMs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = _unanswered ?? new CallRequest(CallRequestSender.NewRequestId(), CallActions.Next, device.Value.Counter, options.Value.ServesFields);
            _unanswered = request;
            var reply = await AskFleetAsync(request, timeoutMs, cancellationToken);
            if (reply is null)
            {
                return false;
            }

            _unanswered = null;
            if (reply is { Reason: not null })
            {
                ShowRefusal(CallActions.Next, reply);
                return true;
            }

            if (reply.Ticket is not { } number || reply.Field is null || reply.Day is null)
            {
                Show(NoTicket);
                return true;
            }

            LanTakeRequest? unconfirmed = null;
            if (centreKeys.Ready && reply.Kiosk is { } kiosk)
            {
                var claim = new LanTakeRequest(request.RequestId, device.Value.Counter, number, reply.Day);
                var confirmed = await centre.ClaimAsync(kiosk, claim, cancellationToken);
                if (confirmed is { Outcome: LanOutcomes.Taken } taken)
                {
                    logger.LogWarning("The fleet handed out {Ticket}, but kiosk {Kiosk} gave it to counter {Other} during the outage: not called here", number, kiosk, taken.Counter);
                    if (attempt < 3)
                    {
                        continue;
                    }

                    Show(NoTicket);
                    return true;
                }

                unconfirmed = confirmed is null ? claim : null;
            }

            var ticket = new ServedTicket(number, reply.Field, reply.Day) { Kiosk = reply.Kiosk };
            await outbox.AppendAsync(Draft(EventKinds.TicketCalled, ticket), cancellationToken);
            if (unconfirmed is not null)
            {
                // Called with the fleet's word alone: the kiosk must still hear of it (README, "When the centre loses its link").
                centre.RememberUnconfirmed(reply.Kiosk!, unconfirmed);
            }

            Volatile.Write(ref _current, ticket);
            Show(number);
            logger.LogInformation("Called {Ticket} ({Field}); {Waiting} waiting", number, reply.Field, reply.Waiting);
            return true;
        }
    }

    /// <summary>The citizen of the last skipped ticket came back: the fleet calls it again here if within its window.</summary>
    private async Task RecallSkippedAsync(CancellationToken cancellationToken)
    {
        if (_lastSkipped is not { } skipped)
        {
            return;
        }

        var reply = await AskFleetAsync(
            new CallRequest(CallRequestSender.NewRequestId(), CallActions.Recall, device.Value.Counter, options.Value.ServesFields) { Ticket = skipped.Number, Day = skipped.Day },
            cancellationToken);
        if (reply is null && centreKeys.Ready)
        {
            // Without the fleet the counter itself recalls the ticket it skipped (no other counter can have it: a
            // skipped ticket is not waiting); the fleet learns of it from ticket.recalled.
            _lastSkipped = null;
            Volatile.Write(ref _current, skipped);
            await outbox.AppendAsync(Draft(EventKinds.TicketRecalled, skipped), cancellationToken);
            Show(skipped.Number);
            logger.LogInformation("Recalled skipped {Ticket} without the fleet", skipped.Number);
            await centre.TellHallsAsync(new LanHallCall(skipped.Number, skipped.Field, device.Value.Counter, clock.Now, Recall: true), cancellationToken);
            return;
        }

        if (reply is null)
        {
            Show(NoTicket);
            return;
        }

        if (reply.Reason is not null || reply.Ticket is null)
        {
            ShowRefusal(CallActions.Recall, reply);
            return;
        }

        _lastSkipped = null;
        Volatile.Write(ref _current, skipped);
        await outbox.AppendAsync(Draft(EventKinds.TicketRecalled, skipped), cancellationToken);
        Show(skipped.Number);
        logger.LogInformation("Recalled skipped {Ticket}: its citizen came back", skipped.Number);
    }

    /// <summary>
    /// The ticket being served goes to another counter or field; it leaves this counter (not served here). With the centre's
    /// LAN on, the ticket's kiosk is asked first: during an outage it records the transfer (fleet/Queue/README.md,
    /// "Transfer during an outage"); otherwise the fleet makes it and the kiosk is told. Neither answering: the counter
    /// keeps the ticket (its number stays on the display) and says so in the log.
    /// </summary>
    private async Task TransferAsync(QueueTransferOptions to, CancellationToken cancellationToken)
    {
        if (Current is not { } ticket)
        {
            return;
        }

        var requestId = CallRequestSender.NewRequestId();
        var (toCounter, toField) = (NullIfEmpty(to.ToCounter), NullIfEmpty(to.ToField));
        var lanTransfer = new LanTransferRequest(requestId, device.Value.Counter, ticket.Number, ticket.Day, toCounter, toField, ByFleet: false);
        if (centreKeys.Ready && ticket.Kiosk is { } kiosk)
        {
            // Asked twice with the same id at most: a transfer the kiosk recorded whose answer was lost is answered again.
            var local = await centre.TransferAsync(kiosk, lanTransfer, cancellationToken)
                        ?? await centre.TransferAsync(kiosk, lanTransfer, cancellationToken);
            if (local is { Outcome: LanOutcomes.Transferred })
            {
                await RecordTransferAsync(ticket, to, $"through kiosk {kiosk} on the LAN", cancellationToken);
                return;
            }
        }

        var reply = await AskFleetAsync(new CallRequest(requestId, CallActions.Transfer, device.Value.Counter, options.Value.ServesFields)
        {
            Ticket = ticket.Number, Day = ticket.Day, ToCounter = toCounter, ToField = toField,
        }, cancellationToken);
        if (reply is null)
        {
            logger.LogWarning("Transfer of {Ticket} not made: neither its kiosk nor the fleet answered; the counter keeps it", ticket.Number);
            Show(ticket.Number);
            return;
        }

        if (reply.Reason is not null)
        {
            ShowRefusal(CallActions.Transfer, reply);
            return;
        }

        if (centreKeys.Ready && ticket.Kiosk is { } ticketKiosk)
        {
            // The kiosk notes it, so that in a later outage it hands the ticket to where it went (best effort: a claim of
            // the fleet's next hand-out of the ticket is accepted anyway).
            await centre.TransferAsync(ticketKiosk, lanTransfer with { ByFleet = true }, cancellationToken);
        }

        await RecordTransferAsync(ticket, to, "by the fleet", cancellationToken);
    }

    private async Task RecordTransferAsync(ServedTicket ticket, QueueTransferOptions to, string how, CancellationToken cancellationToken)
    {
        await outbox.AppendAsync(Draft(EventKinds.TicketTransferred, ticket) with { To = to.ToCounter is { Length: > 0 } c ? $"counter:{c}" : $"field:{to.ToField}" }, cancellationToken);
        Volatile.Write(ref _current, null);
        Show(NoTicket);
        logger.LogInformation("Transferred {Ticket} to {To} {How}", ticket.Number, to.ToCounter ?? to.ToField, how);
    }

    /// <summary>The refusal's code on the display ("E2"), the reason in the log; the ticket being served stays.</summary>
    private void ShowRefusal(string action, CallReply reply)
    {
        var (code, text) = CallRefusals.Display(reply.Reason ?? "");
        Show(code);
        logger.LogWarning("{Action} refused by the fleet: {Code} {Text} ({Error})", action, code, text, reply.Error);
    }

    /// <summary>Sends the request (again every second, same id, so a lost message costs nothing) until answered or Queue:CallTimeoutMs.</summary>
    private Task<CallReply?> AskFleetAsync(CallRequest request, CancellationToken cancellationToken) =>
        AskFleetAsync(request, options.Value.CallTimeoutMs, cancellationToken);

    private async Task<CallReply?> AskFleetAsync(CallRequest request, int timeoutMs, CancellationToken cancellationToken)
    {
        var reply = await fleet.AskAsync(request, TimeSpan.FromMilliseconds(timeoutMs), TimeSpan.FromMilliseconds(Math.Min(1000, timeoutMs / 2)), cancellationToken);
        if (reply is null && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("No answer from the fleet to {Action} within {Timeout} ms: is the centre offline?", request.Action, timeoutMs);
        }

        return reply;
    }

    /// <summary>Shows a number or code; one the display cannot show (too long) is logged, and the counter keeps working.</summary>
    private void Show(string text)
    {
        try
        {
            display.Show(text);
        }
        catch (ArgumentException ex)
        {
            logger.LogError("The display cannot show {Text}: {Error} (priority numbers need one more position: Queue:LastNumber)", text, ex.Message);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task RecordAsync(string kind, bool keepCurrent, CancellationToken cancellationToken)
    {
        if (Current is not { } ticket)
        {
            return;
        }

        await outbox.AppendAsync(Draft(kind, ticket), cancellationToken);
        if (keepCurrent)
        {
            Show(ticket.Number);
            return;
        }

        Volatile.Write(ref _current, null);
        Show(NoTicket);
    }

    private DeviceEvent Draft(string kind, ServedTicket ticket) => clock.Event(kind) with
    {
        Counter = device.Value.Counter,
        Ticket = ticket.Number,
        Field = ticket.Field,
        Detail = ticket.Day,
    };
}
