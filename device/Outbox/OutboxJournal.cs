using System.Buffers.Binary;
using System.Text;

namespace Edge.Device.Outbox;

/// <summary>
/// The outbox's append-only journal (<c>outbox.journal</c>) in front of its LiteDB file: a press appends one small
/// checksummed record and one fsync, which is the durable point it waits for (LiteDB writes whole 8 KiB pages and
/// fsyncs its log twice per commit). Acks append "acknowledged through N" records without an fsync of their own
/// (a lost ack record means a resend, which the fleet ignores by (device, seq)). The store moves unacknowledged
/// events into LiteDB in batches and then <see cref="Reset"/>s the journal; at open it replays the journal into LiteDB.
/// <para>
/// Record: magic <c>'E','J'</c>, type (1 event, 2 ack), payload length (int32 LE), CRC-32 of type, length and payload
/// (uint32 LE), payload. Event payload: seq (int64), enqueued ticks UTC (int64), kind length (uint16), kind and JSON in
/// UTF-8. Ack payload: upTo (int64). A group of records that fits in a 4 KiB block but not in what is left of the
/// current one starts at the next block (the gap is a hole of zeros, skipped on replay), so a small append dirties one
/// page of the SD card, not two.
/// </para>
/// </summary>
public sealed class OutboxJournal(Stream stream) : IDisposable
{
    /// <summary>The block a small append stays within.</summary>
    public const int BlockSize = 4096;

    public const int HeaderSize = 11;

    private const byte MagicE = (byte)'E';
    private const byte MagicJ = (byte)'J';
    private const byte EventType = 1;
    private const byte AckType = 2;
    private const int MaxPayload = 1024 * 1024;

    private long _length = stream.Length;
    private long _syncs;

    /// <summary>The journal file beside the outbox's data file.</summary>
    public static string FileOf(string dataFile) =>
        Path.Combine(Path.GetDirectoryName(dataFile)!, Path.GetFileNameWithoutExtension(dataFile) + ".journal");

    /// <summary>Where the next append goes (the end of the last good record, or of the last append).</summary>
    public long Length => _length;

    /// <summary>fsyncs of the journal since it was opened (for tests and benchmarks).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>The bytes of an event record.</summary>
    public static byte[] EventRecord(long seq, DateTime enqueuedUtc, string kind, string json)
    {
        var kindBytes = Encoding.UTF8.GetBytes(kind);
        var jsonBytes = Encoding.UTF8.GetBytes(json);
        var payload = new byte[8 + 8 + 2 + kindBytes.Length + jsonBytes.Length];
        BinaryPrimitives.WriteInt64LittleEndian(payload, seq);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), enqueuedUtc.Ticks);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(16), (ushort)kindBytes.Length);
        kindBytes.CopyTo(payload, 18);
        jsonBytes.CopyTo(payload, 18 + kindBytes.Length);
        return Record(EventType, payload);
    }

    /// <summary>The bytes of an "acknowledged through <paramref name="upTo"/>" record.</summary>
    public static byte[] AckRecord(long upTo)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, upTo);
        return Record(AckType, payload);
    }

    /// <summary>
    /// Writes the records as one group after the last good record; with <paramref name="durable"/>, on disk before it
    /// returns. On a failure the journal is cut back to where it was (see <see cref="CutBack"/>) by the caller.
    /// </summary>
    public void Append(IReadOnlyList<byte[]> records, bool durable)
    {
        var size = records.Sum(r => r.Length);
        var start = _length;
        var inBlock = (int)(start % BlockSize);
        if (size <= BlockSize && inBlock != 0 && inBlock + size > BlockSize)
        {
            start += BlockSize - inBlock;
        }

        var group = new byte[size];
        var at = 0;
        foreach (var record in records)
        {
            record.CopyTo(group, at);
            at += record.Length;
        }

        stream.Position = start;
        stream.Write(group, 0, group.Length);
        _length = start + size;
        if (durable)
        {
            Sync();
        }
    }

    /// <summary>
    /// After a failed append: true when the journal ends where it did before (<paramref name="length"/>), because
    /// nothing was written or because the partial write could be cut off again (durably).
    /// </summary>
    public bool CutBack(long length)
    {
        _length = length;
        try
        {
            if (stream.Length <= length)
            {
                return true;
            }

            stream.SetLength(length);
            Sync();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Empties the journal once its content is safely in LiteDB; durable, so no cut brings old records back.</summary>
    public void Reset()
    {
        stream.SetLength(0);
        _length = 0;
        Sync();
    }

    /// <summary>Writes what is pending (an ack) durably; for a graceful stop.</summary>
    public void Sync()
    {
        stream.Flush();
        Interlocked.Increment(ref _syncs);
    }

    public void Dispose() => stream.Dispose();

    /// <summary>
    /// Reads a journal's bytes: every good record in order, where the good part ends, a torn tail (a last record cut
    /// short or garbled, with nothing good after it: a write the power cut caught before its fsync) and damaged
    /// records in the middle (bad bytes followed by good records: the medium, not a cut).
    /// </summary>
    public static JournalContents Read(ReadOnlySpan<byte> bytes)
    {
        var events = new List<JournalEvent>();
        long ackedThrough = 0;
        var damaged = 0;
        long damagedBytes = 0;
        var pos = 0;
        var goodEnd = 0;
        var torn = 0;
        while (pos < bytes.Length)
        {
            if (bytes[pos] == 0)
            {
                // A hole before a group that started at the next block, or zeros past the end: skip to the next block.
                var next = (pos / BlockSize + 1) * BlockSize;
                if (!bytes[pos..Math.Min(next, bytes.Length)].ContainsAnyExcept((byte)0))
                {
                    pos = next;
                    continue;
                }
            }

            if (TryParse(bytes, pos, out var type, out var payload, out var size))
            {
                if (type == EventType && payload.Length >= 18)
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
                else if (type == AckType && payload.Length == 8)
                {
                    ackedThrough = Math.Max(ackedThrough, BinaryPrimitives.ReadInt64LittleEndian(payload));
                }

                pos += size;
                goodEnd = pos;
                continue;
            }

            // A bad record: damage in the middle if a good record follows somewhere, else a torn tail.
            var resume = -1;
            for (var q = pos + 1; q + HeaderSize <= bytes.Length; q++)
            {
                if (bytes[q] == MagicE && TryParse(bytes, q, out _, out _, out _))
                {
                    resume = q;
                    break;
                }
            }

            if (resume < 0)
            {
                torn = bytes.Length - pos;
                break;
            }

            damaged++;
            damagedBytes += resume - pos;
            pos = resume;
        }

        return new JournalContents(events, ackedThrough, goodEnd, torn, damaged, damagedBytes);
    }

    private static bool TryParse(ReadOnlySpan<byte> bytes, int pos, out byte type, out ReadOnlySpan<byte> payload, out int size)
    {
        type = 0;
        payload = default;
        size = 0;
        if (pos + HeaderSize > bytes.Length || bytes[pos] != MagicE || bytes[pos + 1] != MagicJ)
        {
            return false;
        }

        type = bytes[pos + 2];
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[(pos + 3)..]);
        if (type is not (EventType or AckType) || length < 0 || length > MaxPayload || pos + HeaderSize + length > bytes.Length)
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(pos + 7)..]);
        payload = bytes.Slice(pos + HeaderSize, length);
        if (Crc32.Of(bytes.Slice(pos + 2, 5), payload) != crc)
        {
            return false;
        }

        size = HeaderSize + length;
        return true;
    }

    private static byte[] Record(byte type, byte[] payload)
    {
        var record = new byte[HeaderSize + payload.Length];
        record[0] = MagicE;
        record[1] = MagicJ;
        record[2] = type;
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(3), payload.Length);
        payload.CopyTo(record, HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(7), Crc32.Of(record.AsSpan(2, 5), payload));
        return record;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Build();

        public static uint Of(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
        {
            var crc = 0xFFFFFFFFu;
            foreach (var b in first)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            foreach (var b in second)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return ~crc;
        }

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}

/// <summary>An event as the journal holds it.</summary>
public sealed record JournalEvent(long Seq, DateTime EnqueuedUtc, string Kind, string Json);

/// <summary>
/// What a journal's bytes held: its good events in order, the highest ack recorded, where the good part ends, the
/// bytes of a torn tail, and damaged records found in the middle (with good records after them).
/// </summary>
public sealed record JournalContents(
    IReadOnlyList<JournalEvent> Events, long AckedThrough, long GoodLength, long TornTailBytes, int DamagedRecords, long DamagedBytes)
{
    public static readonly JournalContents Empty = new([], 0, 0, 0, 0, 0);

    /// <summary>The highest seq the journal shows as used (acknowledged or not).</summary>
    public long MaxSeq => Math.Max(AckedThrough, Events.Count == 0 ? 0 : Events.Max(e => e.Seq));
}
