using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Edge.Wire;

namespace Edge.Device.Outbox;

/// <summary>
/// Reads what it can from a damaged outbox file without LiteDB, whose structures are what is damaged: every row keeps
/// its event as the wire JSON in a BSON string field <c>json</c> (type 0x02, the name, an int32 length, the UTF-8 bytes,
/// a zero), so a scan of the raw bytes for that field finds each event whose own bytes survived, wherever the page
/// and index structures around it are broken. It also finds rows deleted after an ack (LiteDB does not wipe freed
/// space); those are resent harmlessly, as the fleet stores each seq once.
/// </summary>
public static class OutboxSalvage
{
    private static readonly byte[] FieldHeader = [0x02, .. "json"u8, 0x00];
    private const int MaxEventBytes = 64 * 1024;

    /// <summary>Events found in the files, one per seq (a later copy, e.g. from the log, wins), in seq order.</summary>
    public static IReadOnlyList<DeviceEvent> Read(params string[] files)
    {
        var bySeq = new SortedDictionary<long, DeviceEvent>();
        foreach (var file in files.Where(File.Exists))
        {
            foreach (var evt in Scan(File.ReadAllBytes(file)))
            {
                bySeq[evt.Seq] = evt;
            }
        }

        return bySeq.Values.ToList();
    }

    public static IEnumerable<DeviceEvent> Scan(byte[] bytes)
    {
        var at = 0;
        while (true)
        {
            var found = bytes.AsSpan(at).IndexOf(FieldHeader);
            if (found < 0)
            {
                yield break;
            }

            var start = at + found + FieldHeader.Length;
            at = start;
            if (TryRead(bytes, start) is { } evt)
            {
                yield return evt;
            }
        }
    }

    private static DeviceEvent? TryRead(byte[] bytes, int start)
    {
        if (start + 4 > bytes.Length)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(start, 4));
        if (length is < 2 or > MaxEventBytes || start + 4 + length > bytes.Length || bytes[start + 4 + length - 1] != 0)
        {
            return null;
        }

        try
        {
            var json = Encoding.UTF8.GetString(bytes, start + 4, length - 1);
            var evt = JsonSerializer.Deserialize(json, WireJson.Default.DeviceEvent);
            return evt is { Seq: > 0 } && !string.IsNullOrEmpty(evt.Kind) ? evt : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
