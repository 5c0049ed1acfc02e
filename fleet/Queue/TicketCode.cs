namespace Edge.Fleet.Queue;

/// <summary>
/// The code printed in a ticket's QR, <c>edge:{kiosk}:{day}:{number}</c>: the kiosk says which centre issued it, so a
/// counter that scans (or types) it can be refused a ticket of another centre.
/// </summary>
public readonly record struct TicketCode(string Kiosk, string Day, string Number)
{
    public const string Scheme = "edge";

    public static bool TryParse(string text, out TicketCode code)
    {
        code = default;
        var parts = text.Split(':');
        if (parts is not [Scheme, { Length: > 0 } kiosk, { Length: > 0 } day, { Length: > 0 } number] || !Wire.DeviceId.IsValid(kiosk))
        {
            return false;
        }

        code = new TicketCode(kiosk, day, number);
        return true;
    }

    public override string ToString() => $"{Scheme}:{Kiosk}:{Day}:{Number}";
}
