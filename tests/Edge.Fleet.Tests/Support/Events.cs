using Edge.Wire;

namespace Edge.Fleet.Tests.Support;

/// <summary>Wire events for tests.</summary>
public static class Events
{
    public static readonly DateTimeOffset Morning = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static DeviceEvent Rating(long seq, int level, string counter = "c1", DateTimeOffset? at = null, bool suspect = false) => new()
    {
        Seq = seq,
        Kind = EventKinds.Rating,
        At = at ?? Morning.AddSeconds(seq),
        UptimeMs = seq * 1000,
        Counter = counter,
        Level = level,
        Scale = RatingScale.Default,
        Suspect = suspect,
    };

    /// <summary>Ratings seq first..last, levels cycling 1, 2, 3, 4 (seq 1 → 1, seq 4 → 4, seq 5 → 1).</summary>
    public static DeviceEvent[] Ratings(long first, long last, string counter = "c1") =>
        Enumerable.Range((int)first, (int)(last - first + 1)).Select(s => Rating(s, 1 + ((s - 1) % 4), counter)).ToArray();
}
