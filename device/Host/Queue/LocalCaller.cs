using Edge.Device.Configuration;
using Edge.Device.Lan;
using Edge.Queue;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A counter's call-next through the centre's kiosks when the fleet does not answer (fleet/Queue/README.md, "When the
/// centre loses its link"): asks every known kiosk for its list, chooses as the fleet would
/// (<see cref="NextTicketChooser"/> over the lists of the kiosks that hand out themselves) and asks that ticket's
/// kiosk to hand it out. A ticket another counter took meanwhile is dropped and the next chosen. A take whose answer
/// was lost is asked again (same request) before anything else, so a ticket handed out is never left unshown.
/// Also confirms the fleet's hand-outs with their kiosk (<see cref="ClaimAsync"/>), transfers through the ticket's kiosk
/// (<see cref="TransferAsync"/>) and tells the hall displays what was called locally.
/// </summary>
public sealed class LocalCaller(LanClient lan, LanPeers peers, LanCounts counts, UnconfirmedClaims unconfirmed, ILogger<LocalCaller> logger)
{
    private const int MaxTakes = 8;

    /// <summary>At most this many confirmations are kept to send again (the oldest go first).</summary>
    private const int MaxUnconfirmed = 100;

    private readonly SemaphoreSlim _confirming = new(1, 1);

    private (LanPeerOptions Kiosk, LanTakeRequest Request)? _unansweredTake;

    /// <summary>Some kiosk answered that it hands out itself at the last local attempt.</summary>
    public bool KioskWasLocal { get; private set; }

    public async Task<LocalCall> CallNextAsync(string requestId, string counter, IReadOnlyList<string> fields, DateTime now, QueueRules rules, CancellationToken cancellationToken)
    {
        // The kiosks first hear of the fleet's hand-outs this counter called without their confirmation.
        await ConfirmPendingAsync(cancellationToken);
        if (_unansweredTake is { } pending)
        {
            var again = await lan.SendAsync(pending.Kiosk, LanPaths.Take, pending.Request, WireJson.Default.LanTakeRequest, WireJson.Default.LanTakeReply, cancellationToken);
            if (again is null)
            {
                return LocalCall.Unavailable;
            }

            _unansweredTake = null;
            if (again.Outcome == LanOutcomes.Yours && again.Field is { } f)
            {
                return new LocalCall(LocalOutcome.Called, pending.Request.Number, f, pending.Request.Day, pending.Kiosk.Id, 0);
            }
        }

        var kiosks = peers.OfRole(DeviceRoleOptions.Kiosk);
        var request = new LanHeadsRequest(counter, fields, null);
        var answers = await Task.WhenAll(kiosks.Select(async k =>
            (Kiosk: k, Heads: await lan.SendAsync(k, LanPaths.Heads, request, WireJson.Default.LanHeadsRequest, WireJson.Default.LanHeads, cancellationToken))));
        var local = answers.Where(a => a.Heads is { Local: true }).ToList();
        KioskWasLocal = local.Count > 0;
        if (local.Count == 0)
        {
            return answers.Any(a => a.Heads is not null) ? LocalCall.AskFleet : LocalCall.Unavailable;
        }

        var list = local.SelectMany(a => a.Heads!.Tickets.Select(t => new KioskTicket(a.Kiosk, t))).ToList();
        for (var attempt = 0; attempt < MaxTakes; attempt++)
        {
            var (next, left) = NextTicketChooser.Choose(list, counter, fields, null, now, rules);
            if (next is null)
            {
                return LocalCall.Empty;
            }

            var take = new LanTakeRequest(requestId, counter, next.Number, next.Ticket.Day);
            var reply = await lan.SendAsync(next.Kiosk, LanPaths.Take, take, WireJson.Default.LanTakeRequest, WireJson.Default.LanTakeReply, cancellationToken);
            if (reply is null)
            {
                _unansweredTake = (next.Kiosk, take);
                return LocalCall.Unavailable;
            }

            if (reply.Outcome == LanOutcomes.Yours)
            {
                counts.OnLocalCall();
                return new LocalCall(LocalOutcome.Called, next.Number, next.Field, next.Ticket.Day, next.Kiosk.Id, left);
            }

            if (reply.Outcome == LanOutcomes.Taken)
            {
                counts.OnTakenElsewhere();
            }

            logger.LogInformation("Kiosk {Kiosk} answered {Outcome} for {Ticket}: choosing again", next.Kiosk.Id, reply.Outcome, next.Number);
            list.Remove(next);
        }

        return LocalCall.Unavailable;
    }

    /// <summary>
    /// Confirms a fleet hand-out with the ticket's kiosk. <see cref="LanOutcomes.Taken"/>: the kiosk handed it to another
    /// counter during an outage (its event has not reached the fleet yet): this counter must not call it.
    /// Null when the kiosk is not known or did not answer (the fleet's word stands).
    /// </summary>
    public async Task<LanTakeReply?> ClaimAsync(string kiosk, LanTakeRequest claim, CancellationToken cancellationToken)
    {
        var peer = peers.OfRole(DeviceRoleOptions.Kiosk).FirstOrDefault(p => p.Id == kiosk);
        if (peer is null)
        {
            return null;
        }

        var reply = await lan.SendAsync(peer, LanPaths.Claim, claim, WireJson.Default.LanTakeRequest, WireJson.Default.LanTakeReply, cancellationToken);
        if (reply is { Outcome: LanOutcomes.Taken })
        {
            counts.OnTakenElsewhere();
        }

        return reply;
    }

    /// <summary>
    /// A fleet hand-out this counter called although the ticket's kiosk did not answer its confirmation: kept, and sent
    /// again (same request) until the kiosk answers (<see cref="ConfirmPendingAsync"/>), so that the kiosk never gives
    /// that ticket to another counter in a later outage.
    /// </summary>
    public void RememberUnconfirmed(string kiosk, LanTakeRequest claim)
    {
        if (unconfirmed.Count >= MaxUnconfirmed && unconfirmed.All() is [var oldest, ..])
        {
            logger.LogWarning("Gave up confirming {Ticket} with kiosk {Kiosk}: too many unconfirmed", oldest.Claim.Number, oldest.Kiosk);
            unconfirmed.Answered(oldest);
        }

        unconfirmed.Add(kiosk, claim);
        logger.LogWarning("Kiosk {Kiosk} did not answer the confirmation of {Ticket}: sent again until it does", kiosk, claim.Number);
    }

    /// <summary>Sends the <see cref="UnconfirmedClaims"/> again; each answered one is done (one the kiosk gave elsewhere meanwhile is logged and counted).</summary>
    public async Task ConfirmPendingAsync(CancellationToken cancellationToken)
    {
        if (unconfirmed.Count == 0)
        {
            return;
        }

        await _confirming.WaitAsync(cancellationToken);
        try
        {
            foreach (var pending in unconfirmed.All())
            {
                var peer = peers.OfRole(DeviceRoleOptions.Kiosk).FirstOrDefault(p => p.Id == pending.Kiosk);
                var reply = peer is null ? null
                    : await lan.SendAsync(peer, LanPaths.Claim, pending.Claim, WireJson.Default.LanTakeRequest, WireJson.Default.LanTakeReply, cancellationToken);
                if (reply is null)
                {
                    continue;
                }

                unconfirmed.Answered(pending);
                if (reply.Outcome == LanOutcomes.Taken)
                {
                    counts.OnTakenElsewhere();
                    logger.LogWarning("Kiosk {Kiosk} had given {Ticket} to counter {Other} before it heard that the fleet gave it here: called at both", pending.Kiosk, pending.Claim.Number, reply.Counter);
                }
                else
                {
                    logger.LogInformation("Kiosk {Kiosk} now knows the fleet gave {Ticket} here", pending.Kiosk, pending.Claim.Number);
                }
            }
        }
        finally
        {
            _confirming.Release();
        }
    }

    /// <summary>
    /// Asks the ticket's kiosk to record a transfer (fleet/Queue/README.md, "Transfer during an outage"):
    /// <see cref="LanOutcomes.Transferred"/> done, <see cref="LanOutcomes.AskFleet"/> the kiosk is not handing out itself,
    /// <see cref="LanOutcomes.Taken"/> the kiosk does not know this counter serves it. Null when the kiosk is not known
    /// or did not answer.
    /// </summary>
    public async Task<LanTakeReply?> TransferAsync(string kiosk, LanTransferRequest transfer, CancellationToken cancellationToken)
    {
        var peer = peers.OfRole(DeviceRoleOptions.Kiosk).FirstOrDefault(p => p.Id == kiosk);
        if (peer is null)
        {
            return null;
        }

        var reply = await lan.SendAsync(peer, LanPaths.Transfer, transfer, WireJson.Default.LanTransferRequest, WireJson.Default.LanTakeReply, cancellationToken);
        if (reply is { Outcome: LanOutcomes.Transferred } && !transfer.ByFleet)
        {
            counts.OnLocalTransfer();
        }

        return reply;
    }

    /// <summary>Tells every known hall display of a call made without the fleet (the fleet's board cannot come).</summary>
    public async Task TellHallsAsync(LanHallCall call, CancellationToken cancellationToken) =>
        await Task.WhenAll(peers.OfRole(DeviceRoleOptions.Hall).Select(h =>
            lan.SendAsync(h, LanPaths.HallCall, call, WireJson.Default.LanHallCall, WireJson.Default.LanHallCall, cancellationToken)));

    /// <summary>A kiosk's ticket as the chooser sees it.</summary>
    private sealed class KioskTicket(LanPeerOptions kiosk, LanTicket ticket) : IQueuedTicket
    {
        public LanPeerOptions Kiosk => kiosk;

        public LanTicket Ticket => ticket;

        public string Number => ticket.Number;

        public string Field => ticket.Field;

        public string State => ticket.State;

        public DateTime IssuedAt => ticket.IssuedAt.UtcDateTime;

        public bool Priority => ticket.Priority;

        public string? TargetCounter => ticket.TargetCounter;

        public long CallOrder => ticket.CallOrder;
    }
}

public enum LocalOutcome
{
    Called,

    /// <summary>Nobody waits in the counter's fields (at the kiosks that hand out themselves).</summary>
    Empty,

    /// <summary>Every kiosk that answered is connected to the fleet: ask the fleet.</summary>
    AskFleet,

    /// <summary>No kiosk answered (or the one chosen stopped answering).</summary>
    Unavailable,
}

public sealed record LocalCall(LocalOutcome Outcome, string? Number, string? Field, string? Day, string? Kiosk, int Left)
{
    public static LocalCall Empty { get; } = new(LocalOutcome.Empty, null, null, null, null, 0);

    public static LocalCall AskFleet { get; } = new(LocalOutcome.AskFleet, null, null, null, null, 0);

    public static LocalCall Unavailable { get; } = new(LocalOutcome.Unavailable, null, null, null, null, 0);
}
