using Edge.Fleet.Devices;

namespace Edge.Fleet.Health;

/// <summary>Whether a device is online, as the fleet judges it, and why.</summary>
public sealed record Liveness(bool Online, string Reason, DateTimeOffset? LastSeen);

/// <summary>
/// Judges a device online or offline from three signals, none trusted alone:
/// <list type="bullet">
/// <item>its status messages and broker connection (<see cref="DevicePresence"/>, which already orders them by session,
/// so a late or repeated will cannot take a newer connection offline);</item>
/// <item>its heartbeats: none for <see cref="HealthOptions.SilenceLimit"/> means offline even on a connection the broker
/// still believes open (a half-open TCP connection over 4G can linger for minutes);</item>
/// <item>its events being stored (sequence progress), which proves it alive as well as a heartbeat does.</item>
/// </list>
/// A disconnect counts only when nothing was heard from the device after it.
/// </summary>
public static class DeviceLiveness
{
    public const string Connected = "connected";
    public const string Disconnected = "disconnected";
    public const string Silent = "silent";
    public const string NeverSeen = "never-seen";

    public static Liveness Judge(Presence? presence, DateTimeOffset? lastHeartbeat, DateTimeOffset? lastEvents, DateTimeOffset now, TimeSpan silenceLimit)
    {
        var lastHeard = Latest(lastHeartbeat, lastEvents);
        var lastSeen = Latest(lastHeard, presence?.LastSeen);
        if (presence is { Online: false } && (lastHeard is null || presence.LastSeen >= lastHeard))
        {
            return new Liveness(false, Disconnected, lastSeen);
        }

        var lastSignal = presence is { Online: true } ? Latest(lastHeard, presence.LastSeen) : lastHeard;
        if (lastSignal is null)
        {
            return new Liveness(false, NeverSeen, lastSeen);
        }

        return now - lastSignal.Value > silenceLimit
            ? new Liveness(false, Silent, lastSeen)
            : new Liveness(true, Connected, lastSeen);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => (a, b) switch
    {
        ({ } x, { } y) => x > y ? x : y,
        _ => a ?? b,
    };
}
