using Edge.Fleet.Alerts;

namespace Edge.Fleet.Reports;

/// <summary>
/// Opening minutes a device was online, from its heartbeat history (fleet/Health): the fleet keeps no log of
/// presence changes, and the heartbeats are what <c>DeviceLiveness</c> judges "silent" by. A minute
/// [m, m+1 min) of opening time (the centre's <see cref="CentreRules"/>, its time zone) counts **online** when a
/// heartbeat arrived in (m − silence limit, m + 1 min): the device was not yet silent at the minute's start, or spoke
/// during it. Minutes not yet ended at <c>now</c> are left out; minutes before <c>historyStart</c> (heartbeats older
/// than <c>Health:HistoryHours</c> are trimmed) are <b>unknown</b>, counted apart and left out of the share.
/// </summary>
public static class DeviceAvailabilityCalculator
{
    /// <summary>
    /// Counts (open, online, unknown) minutes of [<paramref name="from"/>, <paramref name="to"/>);
    /// <paramref name="heartbeats"/>: receive times in any order.
    /// </summary>
    public static (int Open, int Online, int Unknown) Count(
        CentreRules rules, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, DateTimeOffset historyStart,
        TimeSpan silence, IEnumerable<DateTimeOffset> heartbeats)
    {
        var times = heartbeats.Select(h => h.UtcTicks).Order().ToArray();
        var minute = TimeSpan.FromMinutes(1);
        var end = to < now ? to : now;
        int open = 0, online = 0, unknown = 0;
        var next = 0;
        for (var m = FirstWholeMinute(from); m + minute <= end; m += minute)
        {
            if (!rules.IsOpen(m))
            {
                continue;
            }

            open++;
            if (m < historyStart)
            {
                unknown++;
                continue;
            }

            // The first heartbeat after m − silence (times only grow with m, so the cursor only moves forward).
            var after = (m - silence).UtcTicks;
            while (next < times.Length && times[next] <= after)
            {
                next++;
            }

            if (next < times.Length && times[next] < (m + minute).UtcTicks)
            {
                online++;
            }
        }

        return (open, online, unknown);
    }

    private static DateTimeOffset FirstWholeMinute(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var floored = new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        return floored < time ? floored.AddMinutes(1) : floored;
    }
}
