using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Device.Queue;

/// <summary>
/// Numbers a kiosk's tickets: per field, from the kiosk's block (FirstNumber..LastNumber), restarting at the centre's
/// local midnight. The state is on disk (written and fsynced, then renamed) before a number is handed out, so a power
/// cut can skip a number but never issue one twice.
/// The Pi has no real-time clock: until NTP syncs, its clock can be far in the past. The queue day therefore never
/// goes back: it is the later of the clock's local date and the last day this kiosk numbered. A clock that runs
/// behind keeps numbering in the last day (no restart, so no duplicate); one that jumps ahead restarts early.
/// </summary>
public sealed class TicketNumbering
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly int _first;
    private readonly int _last;
    private readonly int _digits;
    private NumberingState _state;

    public TicketNumbering(string path, TimeProvider time, TimeZoneInfo zone, int first, int last)
    {
        _path = path;
        _time = time;
        _zone = zone;
        _first = first;
        _last = last;
        _digits = last.ToString(CultureInfo.InvariantCulture).Length;
        _state = Load(path);
    }

    /// <summary>The queue day now (yyyy-MM-dd, centre time), never before the last day numbered.</summary>
    public string Today()
    {
        lock (_lock)
        {
            return DayNow();
        }
    }

    /// <summary>Tickets issued in a field on the current queue day.</summary>
    public int IssuedToday(string prefix)
    {
        lock (_lock)
        {
            return _state.Day == DayNow() && _state.Next.TryGetValue(prefix, out var next) ? next - _first : 0;
        }
    }

    /// <summary>The next number of a field, durable before it returns; throws when the block is used up today.</summary>
    public IssuedNumber Next(string prefix)
    {
        lock (_lock)
        {
            var day = DayNow();
            var next = _state.Day == day ? new Dictionary<string, int>(_state.Next) : [];
            var number = next.GetValueOrDefault(prefix, _first);
            if (number > _last)
            {
                throw new InvalidOperationException($"numbers {_first}-{_last} of field '{prefix}' are used up for {day}");
            }

            next[prefix] = number + 1;
            var state = new NumberingState(day, next);
            Save(state);
            _state = state;
            return new IssuedNumber(day, prefix + number.ToString(CultureInfo.InvariantCulture).PadLeft(_digits, '0'));
        }
    }

    private string DayNow()
    {
        var clock = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone).ToString(Wire.QueueDays.Format, CultureInfo.InvariantCulture);
        return _state.Day is { } last && string.CompareOrdinal(last, clock) > 0 ? last : clock;
    }

    private void Save(NumberingState state)
    {
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, state, NumberingJson.Default.NumberingState);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }

    private static NumberingState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new NumberingState(null, []);
        }

        using var file = File.OpenRead(path);
        return JsonSerializer.Deserialize(file, NumberingJson.Default.NumberingState) ?? new NumberingState(null, []);
    }
}

/// <summary>A number as printed ("A001") and the queue day it belongs to.</summary>
public readonly record struct IssuedNumber(string Day, string Number);

/// <summary>What <see cref="TicketNumbering"/> keeps on disk: the day numbered and each field's next number.</summary>
public sealed record NumberingState(string? Day, Dictionary<string, int> Next);

[JsonSerializable(typeof(NumberingState))]
internal sealed partial class NumberingJson : JsonSerializerContext;
