namespace Edge.Device.Drivers.Rtc;

/// <summary>What <see cref="RtcBackedClock.Start"/> found.</summary>
public enum RtcStartResult
{
    /// <summary>The system clock was already synchronised (NTP): the RTC was not needed.</summary>
    SystemAlreadySynchronised,

    /// <summary>The system clock was not synchronised; the wall clock now runs from the RTC's time.</summary>
    SynchronisedFromRtc,

    /// <summary>The RTC's oscillator had stopped or its date was unset: its time is not used.</summary>
    RtcTimeInvalid,

    /// <summary>The RTC answered with a date outside <see cref="RtcBackedClock.EarliestPlausible"/>..<see cref="RtcBackedClock.LatestPlausible"/>.</summary>
    RtcTimeImplausible,

    /// <summary>The RTC did not answer on its bus, or its bus could not be opened.</summary>
    RtcUnreadable,
}

/// <summary>
/// The wall clock of a Pi with a battery-backed RTC. At start, if the system clock is not synchronised (a Pi without
/// network after a power cut starts from its last saved time) and the RTC's time is plausible, the wall clock runs from
/// the RTC's time plus the monotonic time since, and counts as synchronised; once the system clock is synchronised
/// (NTP), it is the system's again, and the RTC is set from it (<see cref="WriteBackIfDue"/>), then once a day.
/// </summary>
/// <remarks>
/// Nothing here sets the system clock (that needs root); only this process's wall clock follows the RTC.
/// The DS3231 drifts at most ±2 ppm (about a minute a year) between 0 and 40 °C.
/// </remarks>
public sealed class RtcBackedClock : TimeProvider
{
    /// <summary>Earliest RTC time taken as real (before it, the RTC was never set or has been reset).</summary>
    public static readonly DateTimeOffset EarliestPlausible = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The DS3231 counts years 2000–2099 (one century bit).</summary>
    public static readonly DateTimeOffset LatestPlausible = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How often the RTC is set again from the synchronised system clock.</summary>
    public static readonly TimeSpan RewriteInterval = TimeSpan.FromHours(24);

    private static readonly TimeSpan SyncCheckInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _system;
    private readonly Func<bool> _systemSynced;
    private readonly Ds3231Clock? _rtc;
    private readonly Lock _gate = new();
    private DateTimeOffset? _anchor;
    private long _anchorTimestamp;
    private long? _writtenAt;
    private long? _syncCheckedAt;
    private bool _systemSyncedCached;

    /// <param name="system">The system's clock (wall time and timestamps).</param>
    /// <param name="systemSynced">Whether the system clock is synchronised (NTP); asked at most once a second.</param>
    /// <param name="rtc">The RTC; null when it is configured but its bus could not be opened (then this is the system clock).</param>
    public RtcBackedClock(TimeProvider system, Func<bool> systemSynced, Ds3231Clock? rtc)
    {
        _system = system;
        _systemSynced = systemSynced;
        _rtc = rtc;
    }

    /// <summary>Whether the wall time is known right: the system clock is synchronised, or it runs from the RTC.</summary>
    public bool Synced => SystemSynced() || FromRtc;

    /// <summary>Whether the wall time comes from the RTC (the system clock is not synchronised yet).</summary>
    public bool FromRtc
    {
        get
        {
            lock (_gate)
            {
                return _anchor is not null && !_systemSyncedCached;
            }
        }
    }

    /// <inheritdoc/>
    public override long TimestampFrequency => _system.TimestampFrequency;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _system.LocalTimeZone;

    /// <summary>Reads the RTC and, if the system clock is not synchronised and the RTC's time is plausible, runs from it.</summary>
    public RtcStartResult Start()
    {
        if (SystemSynced())
        {
            return RtcStartResult.SystemAlreadySynchronised;
        }

        if (_rtc is null)
        {
            return RtcStartResult.RtcUnreadable;
        }

        DateTimeOffset? rtcTime;
        try
        {
            rtcTime = _rtc.ReadUtc();
        }
        catch (IOException)
        {
            return RtcStartResult.RtcUnreadable;
        }

        if (rtcTime is not { } time)
        {
            return RtcStartResult.RtcTimeInvalid;
        }

        if (time < EarliestPlausible || time >= LatestPlausible)
        {
            return RtcStartResult.RtcTimeImplausible;
        }

        lock (_gate)
        {
            _anchor = time;
            _anchorTimestamp = _system.GetTimestamp();
        }

        return RtcStartResult.SynchronisedFromRtc;
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        if (SystemSynced())
        {
            return _system.GetUtcNow();
        }

        lock (_gate)
        {
            return _anchor is { } anchor ? anchor + _system.GetElapsedTime(_anchorTimestamp) : _system.GetUtcNow();
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp() => _system.GetTimestamp();

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _system.CreateTimer(callback, state, dueTime, period);

    /// <summary>
    /// Sets the RTC from the system clock if that is synchronised and the RTC was not set in the last
    /// <see cref="RewriteInterval"/> by this process; returns the time written, or null. Never writes an unsynchronised time.
    /// </summary>
    /// <exception cref="IOException">The RTC did not answer.</exception>
    public DateTimeOffset? WriteBackIfDue()
    {
        if (_rtc is null || !SystemSynced())
        {
            return null;
        }

        long now = _system.GetTimestamp();
        lock (_gate)
        {
            if (_writtenAt is { } at && _system.GetElapsedTime(at, now) < RewriteInterval)
            {
                return null;
            }
        }

        DateTimeOffset time = _system.GetUtcNow();
        _rtc.SetUtc(time);
        lock (_gate)
        {
            _writtenAt = now;
        }

        return time;
    }

    private bool SystemSynced()
    {
        long now = _system.GetTimestamp();
        lock (_gate)
        {
            if (_syncCheckedAt is { } at && _system.GetElapsedTime(at, now) < SyncCheckInterval)
            {
                return _systemSyncedCached;
            }
        }

        bool synced = _systemSynced();
        lock (_gate)
        {
            _syncCheckedAt = now;
            _systemSyncedCached = synced;
        }

        return synced;
    }
}
