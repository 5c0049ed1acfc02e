namespace Edge.Device.Counter;

/// <summary>The ticket a counter is serving now (called and not yet served or skipped), for tying ratings to it.</summary>
public interface ICurrentTicket
{
    ServedTicket? Current { get; }
}

/// <summary>A called ticket: its number, field and queue day, and the kiosk that issued it when known (its authority on the LAN).</summary>
public sealed record ServedTicket(string Number, string Field, string Day)
{
    public string? Kiosk { get; init; }
}
