namespace Edge.Device.Uplink;

/// <summary>
/// Where the uplink's loop says it is alive: the host's watchdog (<c>Watchdog.LoopHeartbeats</c>) implements it and
/// stops feeding systemd when a registered loop stops beating within its allowance.
/// </summary>
public interface ILoopLiveness
{
    /// <summary>Starts watching <paramref name="loop"/>, which must beat at least once every <paramref name="allowance"/>.</summary>
    void Register(string loop, TimeSpan allowance);

    void Beat(string loop);
}
