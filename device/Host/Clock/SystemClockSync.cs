namespace Edge.Device.Clock;

/// <summary>
/// True once systemd-timesyncd has synchronised the clock since boot (it creates this flag file). Hosts without
/// timesyncd say false: the fleet then places their events in time from the arrival of their live heartbeats.
/// </summary>
public sealed class SystemClockSync : IClockSync
{
    private const string FlagFile = "/run/systemd/timesync/synchronized";

    public bool Synced => File.Exists(FlagFile);
}
