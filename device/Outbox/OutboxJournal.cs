using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Edge.Device.Outbox;

/// <summary>
/// The outbox's journal (<c>outbox.journal</c>) in front of its LiteDB file: a press writes one small checksummed group
/// of records and one fdatasync, which is the durable point it waits for (LiteDB writes whole 8 KiB pages and fsyncs
/// its log twice per commit). Acks add "acknowledged through N" records to the next group without an fsync of their
/// own (a lost ack record means a resend, which the fleet ignores by (device, seq)). The store moves unacknowledged
/// events into LiteDB in batches and then starts a new generation (<see cref="Reset"/>); at open it replays the
/// journal into LiteDB.
/// <para>
/// The file is written once to its full size (<see cref="Capacity"/>, zeros) and then only overwritten in place, so an
/// append changes no file size and allocates no block: the fdatasync writes the data and nothing of the file system's.
/// Sector 0 holds the header: magic <c>'E','H'</c>, format version (2), generation (uint32 LE), CRC-32 of version and
/// generation. Each group of records starts at a fresh 512-byte sector (the rest of its last sector is zeros), so a
/// press writes whole sectors (through <c>O_DIRECT</c> where the file system has it, see
/// <see cref="JournalFileStream"/>) and never rewrites a sector an earlier fsync made durable.
/// Record: magic <c>'E','J'</c>, type (1 event, 2 ack), generation (uint32 LE), payload length (int32 LE), CRC-32 of
/// type, generation, length and payload (uint32 LE), payload. Event payload: seq (int64), enqueued ticks UTC (int64),
/// kind length (uint16), kind and JSON in UTF-8. Ack payload: upTo (int64). A record of an older generation, or a
/// sector of zeros where a group would start, ends the current generation's records.
/// </para>
/// <para>
/// Format version 1 (before the pre-sized file: records without a generation, from offset 0, groups kept within
/// 4 KiB blocks, the file emptied by truncation) is still read, so an upgraded device replays what it left.
/// </para>
/// </summary>
public sealed class OutboxJournal : IDisposable
{
    /// <summary>The unit a group starts at and a write covers.</summary>
    public const int SectorSize = 512;

    /// <summary>The journal file's fixed size; the store moves the journal into LiteDB before it is full.</summary>
    public const int Capacity = 1024 * 1024;

    public const byte FormatVersion = 2;

    private const byte MagicE = (byte)'E';
    private const byte MagicJ = (byte)'J';
    private const byte MagicH = (byte)'H';
    private const byte EventType = 1;
    private const byte AckType = 2;
    private const int FileHeaderSize = 11;

    private readonly Stream _stream;
    private readonly AlignedBuffer _buffer = new();
    private uint _generation;
    private long _length;
    private long _attemptEnd;
    private long _syncs;

    /// <summary>
    /// Opens the journal on <paramref name="stream"/> after its contents (<paramref name="replayed"/>) were moved into
    /// LiteDB: a new generation in the same pre-sized file, or, for a file of another size or format (new, version 1,
    /// a damaged header), the file written whole again with zeros first. Durable before it returns.
    /// </summary>
    public OutboxJournal(Stream stream, JournalContents replayed)
    {
        _stream = stream;
        _generation = replayed.Generation;
        if (replayed.Version != FormatVersion || stream.Length != Capacity)
        {
            Format();
        }

        Reset();
    }

    /// <summary>The journal file beside the outbox's data file.</summary>
    public static string FileOf(string dataFile) =>
        Path.Combine(Path.GetDirectoryName(dataFile)!, Path.GetFileNameWithoutExtension(dataFile) + ".journal");

    /// <summary>Where the next group goes (a sector boundary).</summary>
    public long Length => _length;

    /// <summary>Bytes left for groups in this generation.</summary>
    public long Free => Capacity - _length;

    /// <summary>fdatasyncs of the journal since it was opened (for tests and benchmarks).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>An event record (its generation is stamped when it is appended).</summary>
    public static JournalRecord EventRecord(long seq, DateTime enqueuedUtc, string kind, string json)
    {
        var kindBytes = Encoding.UTF8.GetBytes(kind);
        var jsonBytes = Encoding.UTF8.GetBytes(json);
        var payload = new byte[8 + 8 + 2 + kindBytes.Length + jsonBytes.Length];
        BinaryPrimitives.WriteInt64LittleEndian(payload, seq);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), enqueuedUtc.Ticks);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(16), (ushort)kindBytes.Length);
        kindBytes.CopyTo(payload, 18);
        jsonBytes.CopyTo(payload, 18 + kindBytes.Length);
        return new JournalRecord(EventType, payload);
    }

    /// <summary>An "acknowledged through <paramref name="upTo"/>" record.</summary>
    public static JournalRecord AckRecord(long upTo)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, upTo);
        return new JournalRecord(AckType, payload);
    }

    /// <summary>Whether the records fit in what is left of this generation.</summary>
    public bool Fits(IReadOnlyList<JournalRecord> records) => RoundUp(records.Sum(r => r.Size)) <= Free;

    /// <summary>
    /// Writes the records as one group at the next sector; with <paramref name="durable"/>, on disk before it returns.
    /// On a failure the caller cuts the journal back to where it was (see <see cref="CutBack"/>).
    /// </summary>
    public void Append(IReadOnlyList<JournalRecord> records, bool durable)
    {
        if (!Fits(records))
        {
            throw new InvalidOperationException("The journal group does not fit; the store moves the journal into LiteDB first.");
        }

        var size = RoundUp(records.Sum(r => r.Size));
        var group = _buffer.Take(size);
        var at = 0;
        foreach (var record in records)
        {
            at += record.WriteTo(group[at..], _generation);
        }

        group[at..].Clear();
        _attemptEnd = _length + size;
        WriteAt(_length, group);
        _length += size;
        if (durable)
        {
            Sync();
        }
    }

    /// <summary>
    /// After a failed append: true when no record of the failed group can be read back any more (the sectors it was
    /// written to are zeroed durably, or hold nothing readable), so the journal ends where it did before
    /// (<paramref name="length"/>).
    /// </summary>
    public bool CutBack(long length)
    {
        var end = Math.Min(Capacity, Math.Max(_attemptEnd, length + SectorSize));
        _length = length;
        try
        {
            var zeros = _buffer.Take((int)(end - length));
            zeros.Clear();
            WriteAt(length, zeros);
            Sync();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return NothingReadableFrom(length, (int)(end - length));
        }
    }

    /// <summary>Starts a new generation once the journal's content is safely in LiteDB; durable, so no cut brings old records back.</summary>
    public void Reset()
    {
        _generation++;
        var header = _buffer.Take(SectorSize);
        header.Clear();
        header[0] = MagicE;
        header[1] = MagicH;
        header[2] = FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(header[3..], _generation);
        BinaryPrimitives.WriteUInt32LittleEndian(header[7..], JournalCrc32.Of(header.Slice(2, 5), []));
        WriteAt(0, header);
        Sync();
        _length = SectorSize;
    }

    /// <summary>Writes what is pending durably.</summary>
    public void Sync()
    {
        _stream.Flush();
        Interlocked.Increment(ref _syncs);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Reads a journal's bytes: every good record of the current generation in order, where the good part ends, a torn
    /// tail (a last record cut short or garbled, with nothing good after it: a write the power cut caught before its
    /// fsync) and damaged records in the middle (bad bytes followed by good records: the medium, not a cut).
    /// </summary>
    public static JournalContents Read(ReadOnlySpan<byte> bytes) => JournalReader.Read(bytes);

    /// <summary>The file written whole with zeros, so no later append changes its size or allocates a block.</summary>
    private void Format()
    {
        const int chunk = 64 * 1024;
        var zeros = _buffer.Take(chunk);
        zeros.Clear();
        for (var at = 0; at < Capacity; at += chunk)
        {
            WriteAt(at, zeros);
        }

        _stream.SetLength(Capacity);
        Sync();
    }

    private void WriteAt(long position, Span<byte> bytes)
    {
        _stream.Position = position;
        _stream.Write(bytes);
    }

    private bool NothingReadableFrom(long position, int count)
    {
        try
        {
            var bytes = _buffer.Take(count);
            _stream.Position = position;
            _stream.ReadExactly(bytes);
            return !JournalReader.HoldsRecordOf(bytes, _generation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static int RoundUp(int size) => (size + SectorSize - 1) / SectorSize * SectorSize;

    /// <summary>
    /// One pinned buffer aligned to 4 KiB, grown on demand: <c>O_DIRECT</c> needs the memory, the offset and the length
    /// of every transfer aligned to the sector size.
    /// </summary>
    private sealed class AlignedBuffer
    {
        private const int Alignment = 4096;
        private byte[] _array = [];
        private int _offset;

        public Span<byte> Take(int size)
        {
            if (_array.Length - _offset < size)
            {
                _array = GC.AllocateUninitializedArray<byte>(size + Alignment, pinned: true);
                var address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0).ToInt64();
                _offset = (int)((Alignment - (address % Alignment)) % Alignment);
            }

            return _array.AsSpan(_offset, size);
        }
    }
}

/// <summary>A journal record before it is written: its type and payload.</summary>
public readonly record struct JournalRecord(byte Type, byte[] Payload)
{
    public const int HeaderSize = 15;

    public int Size => HeaderSize + Payload.Length;

    /// <summary>Writes the record of <paramref name="generation"/> into <paramref name="target"/>; returns its size.</summary>
    public int WriteTo(Span<byte> target, uint generation)
    {
        target[0] = (byte)'E';
        target[1] = (byte)'J';
        target[2] = Type;
        BinaryPrimitives.WriteUInt32LittleEndian(target[3..], generation);
        BinaryPrimitives.WriteInt32LittleEndian(target[7..], Payload.Length);
        Payload.CopyTo(target[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(target[11..], JournalCrc32.Of(target.Slice(2, 9), Payload));
        return Size;
    }
}

/// <summary>An event as the journal holds it.</summary>
public sealed record JournalEvent(long Seq, DateTime EnqueuedUtc, string Kind, string Json);

/// <summary>
/// What a journal's bytes held: its good events in order, the highest ack recorded, where the good part ends, the
/// bytes of a torn tail, damaged records found in the middle (with good records after them), and the file's format
/// version (0: empty or unreadable header, 1: before the pre-sized file) and generation.
/// </summary>
public sealed record JournalContents(
    IReadOnlyList<JournalEvent> Events,
    long AckedThrough,
    long GoodLength,
    long TornTailBytes,
    int DamagedRecords,
    long DamagedBytes,
    int Version = 0,
    uint Generation = 0)
{
    public static readonly JournalContents Empty = new([], 0, 0, 0, 0, 0);

    /// <summary>The highest seq the journal shows as used (acknowledged or not).</summary>
    public long MaxSeq => Math.Max(AckedThrough, Events.Count == 0 ? 0 : Events.Max(e => e.Seq));
}
