using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>
/// What the list itself refuses of a transfer or a recall, the same on every engine; a refusal changes nothing.
/// (What the registry refuses, the desk checks first: <see cref="QueueDesk"/>.)
/// </summary>
public static class QueueRefusal
{
    public static CallReply? OfTransfer(CallRequest request, QueueTicket? ticket) =>
        ticket is null ? Refuse(request, CallRefusals.UnknownTicket, $"no ticket {request.Ticket} of {request.Day}")
        : ticket.State != TicketStates.Called || ticket.Counter != request.Counter
            ? Refuse(request, CallRefusals.WrongState, $"ticket {ticket.Number} is not being served at counter {request.Counter} ({ticket.State})")
            : null;

    public static CallReply? OfRecall(CallRequest request, QueueTicket? ticket, DateTime now, QueueRules rules) =>
        ticket is null ? Refuse(request, CallRefusals.UnknownTicket, $"no ticket {request.Ticket} of {request.Day}")
        : ticket.State != TicketStates.Skipped || ticket.SkippedAt is null
            ? Refuse(request, CallRefusals.WrongState, $"ticket {ticket.Number} was not skipped ({ticket.State})")
            : now - ticket.SkippedAt.Value > rules.RecallWindow
                ? Refuse(request, CallRefusals.WindowPassed, $"ticket {ticket.Number} was skipped more than {rules.RecallWindow.TotalMinutes:0.#} min ago")
                : null;

    public static CallReply Refuse(CallRequest request, string reason, string detail) => CallReply.Refused(request.RequestId, reason, detail);
}
