using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>
/// What a kiosk prints before a new ticket of a field: the people waiting ahead of it in the fleet's list and an
/// estimated wait = ahead × the field's average service time today ÷ the counters that called the field in the last
/// hour (at least one). No service finished yet in the field today: no estimate (null), the kiosk prints none.
/// </summary>
public static class QueueWaitEstimate
{
    public static readonly TimeSpan ActiveCounterWindow = TimeSpan.FromHours(1);

    public static CallReply Reply(CallRequest request, IReadOnlyList<QueueTicket> today, DateTime now)
    {
        var field = request.Field ?? "";
        var ahead = NextTicketChooser.Ahead(today, field, request.Priority == true);
        var inField = today.Where(t => t.Field == field).ToList();
        var services = inField.Where(t => t.CalledAt is not null && t.ServedAt is not null).Select(t => (t.ServedAt!.Value - t.CalledAt!.Value).TotalSeconds).ToList();
        var counters = Math.Max(1, inField.Where(t => t.Counter is not null && t.AssignedAt is { } a && now - a <= ActiveCounterWindow).Select(t => t.Counter).Distinct().Count());
        double? estimate = services.Count == 0 ? null : Math.Round(ahead * services.Average() / counters, 1);
        return new CallReply(request.RequestId, null, field, null, ahead) { EstimatedWaitS = estimate, Priority = request.Priority };
    }
}
