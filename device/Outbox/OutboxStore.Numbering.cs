using Edge.Storage;
using Edge.Wire;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Device.Outbox;

/// <summary>
/// The fleet's first ack to a fresh outbox: the seqs the fleet already has are final, so the outbox's events take
/// the numbers after them instead of being freed as if the fleet had them.
/// </summary>
public sealed partial class OutboxStore
{
    private void NumberAfterFleet(OpenOutbox file, long upTo)
    {
        var (floor, reason) = (_fresh.Floor, _fresh.Reason);
        var salvaged = file.Salvaged.FindAll()
            .Where(d => d["_id"].AsInt64 > upTo)
            .ToDictionary(d => d["_id"].AsInt64, d => d["json"].AsString);
        var provisional = file.Events.FindAll().OrderBy(d => d["_id"].AsInt64).ToList();

        // Seqs above the fleet's ack that the lost file may have used (its salvaged events, or up to the high-water
        // mark) are filled, never reused: a reused seq the fleet already holds would be ignored as a duplicate.
        var top = Math.Max(upTo, Math.Max(floor, salvaged.Count > 0 ? salvaged.Keys.Max() : 0));
        var now = DateTime.UtcNow;
        var rows = new List<BsonDocument>();
        long lost = 0;
        for (var seq = upTo + 1; seq <= top; seq++)
        {
            if (salvaged.TryGetValue(seq, out var json))
            {
                rows.Add(Row(seq, EventKindOf(json), json, now));
            }
            else
            {
                rows.Add(Row(seq, EventKinds.Dropped, JsonSerializer.Serialize(LostMarker(seq), WireJson.Default.DeviceEvent), now));
                lost++;
            }
        }

        var next = top;
        foreach (var doc in provisional)
        {
            var json = doc["json"].AsString;
            var kind = doc["kind"].IsString ? doc["kind"].AsString : EventKindOf(json);
            rows.Add(Row(++next, kind, Renumbered(json, next), doc["enqueued"].AsDateTime.ToUniversalTime()));
        }

        LiteFile.CommitDurably(file.Db, () =>
        {
            _highWater.Cover(next);
            file.Events.DeleteAll();
            file.Events.InsertBulk(rows);
            file.Salvaged.DeleteAll();
            return file.Meta.Upsert(StateDocument(next + 1, Volatile.Read(ref _dropped), awaiting: false));
        });

        _rows.Clear();
        RecordRows(rows);
        Volatile.Write(ref _nextSeq, next + 1);
        Volatile.Write(ref _lastAcked, upTo);
        Volatile.Write(ref _depth, rows.Count);
        Volatile.Write(ref _bytes, rows.Sum(d => (long)d["json"].AsString.Length));
        Volatile.Write(ref _oldestEnqueuedTicks, rows.Count == 0 ? 0 : rows.Min(d => d["enqueued"].AsDateTime.Ticks));
        Volatile.Write(ref _salvaged, 0);
        _awaitingFleetSeq = false;
        _fresh = new FreshStart([], null, 0);

        var outcome = $"numbered after the fleet's {upTo}: {salvaged.Count} salvaged events to resend, {lost} seqs marked lost, {provisional.Count} new events as {top + 1}..{next}";
        _logger.LogWarning("Fresh outbox {Outcome}", outcome);
        if (reason is not null)
        {
            _faults.Raise(StorageFaultNames.StorageCorrupt, $"{reason}; {outcome}");
        }
        else if (upTo > 0)
        {
            // No file and no mark, yet the fleet has events of this device: its data folder was lost or replaced.
            _faults.Raise(StorageFaultNames.StorageCorrupt, $"the outbox and its seq mark were missing but the fleet already had events up to {upTo}; {outcome}");
        }

        _changed.Signal();
    }

    /// <summary>
    /// The event's JSON with <paramref name="seq"/> in place of its provisional seq. The outbox writes the seq first
    /// (<see cref="DeviceEvent.Seq"/> is the record's first property), so the number is replaced where it stands: the
    /// same bytes as serializing the event again, without parsing 100,000 events at a fresh outbox's first ack.
    /// </summary>
    private static string Renumbered(string json, long seq)
    {
        const string Prefix = "{\"seq\":";
        var end = json.StartsWith(Prefix, StringComparison.Ordinal) ? json.IndexOf(',', Prefix.Length) : -1;
        if (end > Prefix.Length && json.AsSpan(Prefix.Length, end - Prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return string.Concat(Prefix, seq.ToString(System.Globalization.CultureInfo.InvariantCulture), json.AsSpan(end));
        }

        var evt = JsonSerializer.Deserialize(json, WireJson.Default.DeviceEvent)! with { Seq = seq };
        return JsonSerializer.Serialize(evt, WireJson.Default.DeviceEvent);
    }

    private static DeviceEvent LostMarker(long seq) => new()
    {
        Seq = seq,
        Kind = EventKinds.Dropped,
        At = DateTimeOffset.UtcNow,
        Subject = "outbox",
        Detail = "lost with a damaged or missing outbox file (or never used)",
    };

    private static string EventKindOf(string json) =>
        JsonSerializer.Deserialize(json, WireJson.Default.DeviceEvent)?.Kind ?? EventKinds.Dropped;
}
