using System.Buffers.Binary;
using System.Text;

namespace Edge.Device.Outbox;

/// <summary>
/// Reads a journal's bytes (<see cref="OutboxJournal"/>, format 2, or format 1 left by a version before the pre-sized
/// file): the good records of the current generation, a torn tail, and damage in the middle.
/// </summary>
internal static class JournalReader
{
    private const int MaxPayload = 1024 * 1024;

    /// <inheritdoc cref="OutboxJournal.Read"/>
    public static JournalContents Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == (byte)'E' && bytes[1] == (byte)'J')
        {
            return ReadRecords(bytes, Layout.Legacy, 0, version: 1);
        }

        if (TryHeader(bytes, out var generation))
        {
            return ReadRecords(bytes, Layout.Of(generation), OutboxJournal.SectorSize, OutboxJournal.FormatVersion);
        }

        // No readable header (damaged, or a file of zeros): the records after it, of the generation the first one has.
        // Version 0 makes the store write the file whole again.
        return TryParse(bytes, OutboxJournal.SectorSize, Layout.AnyGeneration, out _, out var first, out _, out _)
            ? ReadRecords(bytes, Layout.Of(first), OutboxJournal.SectorSize, version: 0)
            : JournalContents.Empty;
    }

    /// <summary>Whether <paramref name="bytes"/> hold a readable record of <paramref name="generation"/> anywhere.</summary>
    public static bool HoldsRecordOf(ReadOnlySpan<byte> bytes, uint generation) => FindNext(bytes, 0, Layout.Of(generation)) >= 0;

    private static JournalContents ReadRecords(ReadOnlySpan<byte> bytes, Layout layout, int start, int version)
    {
        var events = new List<JournalEvent>();
        long ackedThrough = 0;
        var damaged = 0;
        long damagedBytes = 0;
        var pos = start;
        var goodEnd = start;
        long torn = 0;
        while (pos < bytes.Length)
        {
            bool garbage;
            var next = (pos / layout.Unit + 1) * layout.Unit;
            if (!bytes[pos..Math.Min(next, bytes.Length)].ContainsAnyExcept((byte)0))
            {
                // The zeros after a group up to the next unit (or format 1's holes and zeros past the end): skipped.
                // Format 2: a sector of zeros where a group would start is the end of the records.
                if (!layout.Current || pos % layout.Unit != 0)
                {
                    pos = next;
                    continue;
                }

                garbage = false;
            }
            else if (TryParse(bytes, pos, Layout.AnyGeneration with { Current = layout.Current }, out var type, out var generation, out var payload, out var size))
            {
                if (!layout.Current || generation == layout.Generation)
                {
                    Take(type, payload, events, ref ackedThrough);
                    pos += size;
                    goodEnd = pos;
                    continue;
                }

                garbage = false; // a record of an older generation: the end of the records
            }
            else
            {
                garbage = true;
            }

            // Damage in the middle if a good record follows somewhere, else the end (a torn tail, when garbage).
            var resume = FindNext(bytes, pos + 1, layout);
            if (resume < 0)
            {
                torn = garbage ? TornEnd(bytes, pos, layout) - pos : 0;
                break;
            }

            damaged++;
            damagedBytes += resume - pos;
            pos = resume;
        }

        return new JournalContents(events, ackedThrough, goodEnd, torn, damaged, damagedBytes, version, layout.Generation);
    }

    private static void Take(byte type, ReadOnlySpan<byte> payload, List<JournalEvent> events, ref long ackedThrough)
    {
        if (type == 1 && payload.Length >= 18)
        {
            var kindLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[16..]);
            if (18 + kindLength <= payload.Length)
            {
                events.Add(new JournalEvent(
                    BinaryPrimitives.ReadInt64LittleEndian(payload),
                    new DateTime(BinaryPrimitives.ReadInt64LittleEndian(payload[8..]), DateTimeKind.Utc),
                    Encoding.UTF8.GetString(payload.Slice(18, kindLength)),
                    Encoding.UTF8.GetString(payload[(18 + kindLength)..])));
            }
        }
        else if (type == 2 && payload.Length == 8)
        {
            ackedThrough = Math.Max(ackedThrough, BinaryPrimitives.ReadInt64LittleEndian(payload));
        }
    }

    /// <summary>The first position from <paramref name="from"/> where a good record of the layout's generation starts; -1 if none.</summary>
    private static int FindNext(ReadOnlySpan<byte> bytes, int from, Layout layout)
    {
        for (var q = from; q + layout.HeaderSize <= bytes.Length; q++)
        {
            var at = bytes[q..].IndexOf((byte)'E');
            if (at < 0)
            {
                return -1;
            }

            q += at;
            if (TryParse(bytes, q, layout, out _, out _, out _, out _))
            {
                return q;
            }
        }

        return -1;
    }

    /// <summary>Where a torn tail ends: format 2, at the first sector of zeros or of an older generation after it.</summary>
    private static int TornEnd(ReadOnlySpan<byte> bytes, int pos, Layout layout)
    {
        if (!layout.Current)
        {
            return bytes.Length;
        }

        var q = (pos / layout.Unit + 1) * layout.Unit;
        while (q < bytes.Length
            && bytes[q..Math.Min(q + layout.Unit, bytes.Length)].ContainsAnyExcept((byte)0)
            && !TryParse(bytes, q, Layout.AnyGeneration, out _, out _, out _, out _))
        {
            q += layout.Unit;
        }

        return Math.Min(q, bytes.Length);
    }

    private static bool TryHeader(ReadOnlySpan<byte> bytes, out uint generation)
    {
        generation = 0;
        if (bytes.Length < 11 || bytes[0] != (byte)'E' || bytes[1] != (byte)'H' || bytes[2] != OutboxJournal.FormatVersion)
        {
            return false;
        }

        generation = BinaryPrimitives.ReadUInt32LittleEndian(bytes[3..]);
        return JournalCrc32.Of(bytes.Slice(2, 5), []) == BinaryPrimitives.ReadUInt32LittleEndian(bytes[7..]);
    }

    private static bool TryParse(
        ReadOnlySpan<byte> bytes, int pos, Layout layout, out byte type, out uint generation, out ReadOnlySpan<byte> payload, out int size)
    {
        type = 0;
        generation = 0;
        payload = default;
        size = 0;
        if (pos + layout.HeaderSize > bytes.Length || bytes[pos] != (byte)'E' || bytes[pos + 1] != (byte)'J')
        {
            return false;
        }

        type = bytes[pos + 2];
        var lengthAt = layout.Current ? 7 : 3;
        generation = layout.Current ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(pos + 3)..]) : 0;
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[(pos + lengthAt)..]);
        if (type is not (1 or 2) || length < 0 || length > MaxPayload || pos + layout.HeaderSize + length > bytes.Length
            || (layout.Current && !layout.Any && generation != layout.Generation))
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(pos + lengthAt + 4)..]);
        payload = bytes.Slice(pos + layout.HeaderSize, length);
        if (JournalCrc32.Of(bytes.Slice(pos + 2, lengthAt + 2), payload) != crc)
        {
            return false;
        }

        size = layout.HeaderSize + length;
        return true;
    }

    /// <summary>
    /// How records are laid out: format 2 (<see cref="Current"/>: a generation in each record, groups from sector
    /// boundaries) of one generation or of <see cref="Any"/>; or format 1 (no generation, groups within 4 KiB blocks).
    /// </summary>
    private readonly record struct Layout(bool Current, uint Generation, bool Any)
    {
        public static Layout Legacy => new(false, 0, true);

        public static Layout AnyGeneration => new(true, 0, true);

        public int HeaderSize => Current ? JournalRecord.HeaderSize : 11;

        public int Unit => Current ? OutboxJournal.SectorSize : 4096;

        public static Layout Of(uint generation) => new(true, generation, false);
    }
}
