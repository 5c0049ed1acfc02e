namespace Edge.Queue;

/// <summary>
/// Which waiting ticket a counter gets next, the same at the fleet (every engine reads the day's list under the centre's
/// lock and asks this) and among a centre's devices during an outage (a counter asks the kiosks for their lists). A
/// counter's list is the tickets transferred to it plus the waiting tickets of its fields (or of the one field it asks
/// for). Priority tickets come first, then issue time, then number; but when a field's last
/// <see cref="QueueRules.PriorityRun"/> hand-outs were all priority tickets and its oldest ordinary ticket has waited
/// longer than <see cref="QueueRules.OrdinaryWaitLimit"/>, that ordinary ticket goes next (fleet/Queue/README.md).
/// </summary>
public static class NextTicketChooser
{
    public static (T? Next, int Left) Choose<T>(
        IReadOnlyList<T> dayTickets, string counter, IReadOnlyList<string> fields, string? onlyField, DateTime now, QueueRules rules)
        where T : class, IQueuedTicket
    {
        var list = InCallOrder(dayTickets.Where(t => t.State == TicketStates.Waiting && IsFor(t, counter, fields, onlyField))).ToList();
        var first = list.FirstOrDefault();
        if (first is null)
        {
            return (null, 0);
        }

        if (first.Priority && list.FirstOrDefault(t => !t.Priority && t.Field == first.Field) is { } ordinary
                           && now - ordinary.IssuedAt > rules.OrdinaryWaitLimit
                           && PriorityRunOf(dayTickets, first.Field, rules.PriorityRun) >= rules.PriorityRun)
        {
            return (ordinary, list.Count - 1);
        }

        return (first, list.Count - 1);
    }

    /// <summary>Waiting tickets a new ticket of <paramref name="field"/> would have ahead of it (all of the field's for an ordinary one, its priority ones for a priority one).</summary>
    public static int Ahead<T>(IEnumerable<T> dayTickets, string field, bool priority)
        where T : IQueuedTicket =>
        dayTickets.Count(t => t.State == TicketStates.Waiting && t.Field == field && t.TargetCounter is null && (!priority || t.Priority));

    public static bool IsFor(IQueuedTicket t, string counter, IReadOnlyList<string> fields, string? onlyField) =>
        t.TargetCounter is { } target
            ? target == counter
            : onlyField is not null ? t.Field == onlyField : fields.Count == 0 || fields.Contains(t.Field);

    /// <summary>Priority first, then issue time (the kiosk's clock, or the fleet's placement), then number.</summary>
    public static IEnumerable<T> InCallOrder<T>(IEnumerable<T> tickets)
        where T : IQueuedTicket =>
        tickets.OrderByDescending(t => t.Priority).ThenBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal);

    /// <summary>How many of the field's latest hand-outs (up to <paramref name="max"/>) were priority tickets in a row.</summary>
    private static int PriorityRunOf<T>(IEnumerable<T> dayTickets, string field, int max)
        where T : IQueuedTicket =>
        dayTickets.Where(t => t.Field == field && t.CallOrder > 0).OrderByDescending(t => t.CallOrder).Take(max).TakeWhile(t => t.Priority).Count();
}
