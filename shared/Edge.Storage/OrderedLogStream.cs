namespace Edge.Storage;

/// <summary>
/// A LiteDB log file, with the fsyncs LiteDB asks for reduced to the two a commit needs.
/// LiteDB 5.0.20's log writer fsyncs after every drain of its page queue, and it wakes once per page of a small
/// transaction: one press cost four fsyncs of the log (measured with strace), plus the data file's at a checkpoint.
/// What makes a commit safe is only that every page of the transaction is on disk before the page that confirms it
/// (LiteDB replays a transaction at open only once its confirming page is in the log), and that the confirming page
/// is on disk before the commit is reported. So this stream fsyncs exactly twice per commit: before it writes a
/// confirming page (the transaction's other pages), and when LiteDB flushes after it (the confirming page itself).
/// A flush that follows only unconfirmed pages hands them to the operating system without waiting for the disk.
/// The confirmation flag is byte <see cref="ConfirmedOffset"/> of a page header in LiteDB 5's format (checked by
/// <c>OrderedLogStreamTests</c> against a real commit).
/// </summary>
public sealed class OrderedLogStream(FileStream inner) : Stream
{
    /// <summary>LiteDB 5's page size; the log is written a whole page at a time.</summary>
    public const int PageSize = 8192;

    /// <summary>Offset of <c>IsConfirmed</c> in a LiteDB 5 page header (PageID 4, type 1, prev 4, next 4, slot 1, transaction 4).</summary>
    public const int ConfirmedOffset = 18;

    private bool _unsynced;
    private bool _confirmedUnsynced;
    private long _syncs;

    /// <summary>fsyncs of the log since it was opened (for tests and benchmarks).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Flush()
    {
        if (_confirmedUnsynced)
        {
            Sync();
        }
        else
        {
            inner.Flush(flushToDisk: false);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value)
    {
        // A checkpoint truncates the log after it has flushed the data file; a truncation that is lost only replays
        // the same confirmed pages into the data file again.
        inner.SetLength(value);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var confirms = count == PageSize && buffer[offset + ConfirmedOffset] != 0;
        if (confirms && _unsynced)
        {
            // The transaction's other pages reach the disk before the page that makes LiteDB replay them.
            Sync();
        }

        inner.Write(buffer, offset, count);
        _unsynced = true;
        _confirmedUnsynced |= confirms;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Sync()
    {
        inner.Flush(flushToDisk: true);
        _unsynced = false;
        _confirmedUnsynced = false;
        Interlocked.Increment(ref _syncs);
    }
}
