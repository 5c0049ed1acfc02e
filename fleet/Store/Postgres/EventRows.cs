using Edge.Wire;

namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// The events of one append as column arrays (what <c>unnest</c> turns back into rows), each (device, seq) once,
/// sorted by device then seq, plus the rating projection of the rating events among them.
/// </summary>
internal sealed class EventRows
{
    private EventRows(List<(string Device, DeviceEvent Event, string Hash)> rows, string[] devicesWithoutEvents, List<(string Device, long Seq, string Hash)> copies)
    {
        var n = rows.Count;
        DeviceId = new string[n];
        Seq = new long[n];
        Kind = new string[n];
        At = new DateTime[n];
        UptimeMs = new long[n];
        Counter = new string?[n];
        Level = new int?[n];
        Scale = new int?[n];
        Suspect = new bool?[n];
        Ticket = new string?[n];
        Field = new string?[n];
        Subject = new string?[n];
        State = new string?[n];
        Detail = new string?[n];
        ContentHash = new string[n];
        for (var i = 0; i < n; i++)
        {
            var (device, e, hash) = rows[i];
            ContentHash[i] = hash;
            DeviceId[i] = device;
            Seq[i] = e.Seq;
            Kind[i] = e.Kind;
            At[i] = e.At.UtcDateTime;
            UptimeMs[i] = e.UptimeMs;
            Counter[i] = e.Counter;
            Level[i] = e.Level;
            Scale[i] = e.Scale;
            Suspect[i] = e.Suspect;
            Ticket[i] = e.Ticket;
            Field[i] = e.Field;
            Subject[i] = e.Subject;
            State[i] = e.State;
            Detail[i] = e.Detail;
        }

        Devices = DeviceId.Distinct().ToArray();
        DevicesWithoutEvents = devicesWithoutEvents;
        Ratings = RatingRows.From(rows.Where(r => r.Event.Kind == EventKinds.Rating && r.Event.Level is not null).Select(r => (r.Device, r.Event)));
        CandidateDevice = [.. DeviceId, .. copies.Select(c => c.Device)];
        CandidateSeq = [.. Seq, .. copies.Select(c => c.Seq)];
        CandidateHash = [.. ContentHash, .. copies.Select(c => c.Hash)];
    }

    /// <summary>Devices that have events in this append, sorted (the order rows are locked in, against deadlocks).</summary>
    public string[] Devices { get; }

    /// <summary>Devices named by an empty batch only: answered with their current up-to, not created.</summary>
    public string[] DevicesWithoutEvents { get; }

    public int Count => Seq.Length;

    public string[] DeviceId { get; }
    public long[] Seq { get; }
    public string[] Kind { get; }
    public DateTime[] At { get; }
    public long[] UptimeMs { get; }
    public string?[] Counter { get; }
    public int?[] Level { get; }
    public int?[] Scale { get; }
    public bool?[] Suspect { get; }
    public string?[] Ticket { get; }
    public string?[] Field { get; }
    public string?[] Subject { get; }
    public string?[] State { get; }
    public string?[] Detail { get; }

    /// <summary><see cref="EventFingerprint"/> of each event.</summary>
    public string[] ContentHash { get; }

    /// <summary>
    /// What to compare with the stored copies after the insert, for conflicts: every row, plus the later copies of a
    /// (device, seq) that came twice in this append with other content (the first copy is the one inserted).
    /// </summary>
    public string[] CandidateDevice { get; }

    public long[] CandidateSeq { get; }

    public string[] CandidateHash { get; }

    public RatingRows Ratings { get; }

    public static EventRows From(IReadOnlyList<EventBatch> batches)
    {
        var unique = new Dictionary<(string, long), (DeviceEvent Event, string Hash)>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        var copies = new List<(string Device, long Seq, string Hash)>();
        foreach (var batch in batches)
        {
            named.Add(batch.DeviceId);
            foreach (var e in batch.Events)
            {
                // Fit for the indexes (a string too long for one would fail the whole group commit), fingerprinted.
                var storable = StorableEvent.Of(e);
                var hash = EventFingerprint.Of(storable);

                // The first copy wins, as in the table: a stored event is never overwritten.
                if (!unique.TryAdd((batch.DeviceId, e.Seq), (storable, hash)) && unique[(batch.DeviceId, e.Seq)].Hash != hash)
                {
                    copies.Add((batch.DeviceId, e.Seq, hash));
                }
            }
        }

        var rows = unique
            .Select(kv => (Device: kv.Key.Item1, kv.Value.Event, kv.Value.Hash))
            .OrderBy(r => r.Device, StringComparer.Ordinal)
            .ThenBy(r => r.Event.Seq)
            .ToList();
        var withEvents = rows.Select(r => r.Device).ToHashSet(StringComparer.Ordinal);
        var withoutEvents = named.Where(d => !withEvents.Contains(d)).Order(StringComparer.Ordinal).ToArray();
        return new EventRows(rows, withoutEvents, copies);
    }
}

/// <summary>Rating projection rows: whether a rating is satisfied is decided here, once, by <see cref="RatingScale"/>.</summary>
internal sealed class RatingRows
{
    private RatingRows(IReadOnlyList<(string Device, DeviceEvent Event)> ratings)
    {
        var n = ratings.Count;
        DeviceId = new string[n];
        Seq = new long[n];
        Counter = new string?[n];
        Field = new string?[n];
        Level = new int[n];
        Scale = new int[n];
        Satisfied = new bool[n];
        Suspect = new bool[n];
        At = new DateTime[n];
        Run = new string?[n];
        UptimeMs = new long[n];
        Clock = new string[n];
        for (var i = 0; i < n; i++)
        {
            var (device, e) = ratings[i];
            var level = e.Level!.Value;
            var scale = e.Scale ?? RatingScale.Default;
            DeviceId[i] = device;
            Seq[i] = e.Seq;
            Counter[i] = e.Counter;
            Field[i] = e.Field;
            Level[i] = level;
            Scale[i] = scale;
            Satisfied[i] = RatingScale.IsSatisfied(level, scale);
            Suspect[i] = e.Suspect ?? false;
            At[i] = e.At.UtcDateTime;
            Run[i] = e.Run;
            UptimeMs[i] = e.UptimeMs;
            Clock[i] = RatingClock.Of(e);
        }
    }

    public int Count => Seq.Length;

    public string[] DeviceId { get; }
    public long[] Seq { get; }
    public string?[] Counter { get; }
    public string?[] Field { get; }
    public int[] Level { get; }
    public int[] Scale { get; }
    public bool[] Satisfied { get; }
    public bool[] Suspect { get; }
    public DateTime[] At { get; }
    public string?[] Run { get; }
    public long[] UptimeMs { get; }
    public string[] Clock { get; }

    public static RatingRows From(IEnumerable<(string Device, DeviceEvent Event)> ratings) => new(ratings.ToList());
}
