using Edge.Fleet.Store.Lite;
using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// A "disk" for one LiteDB file that the test can make fail like a full disk (ENOSPC: nothing written) or an unreadable
/// one. Its bytes are kept across reopenings, so a store that gives up its engine and opens the file again finds what
/// was committed before.
/// </summary>
internal sealed class FullDisk
{
    /// <summary>The data file.</summary>
    public MemoryStream Bytes { get; } = new();

    /// <summary>The log file (LiteDB's <c>-log.db</c>), where commits go first.</summary>
    public MemoryStream LogBytes { get; } = new();

    public volatile bool Full;

    public volatile bool FailReads;

    public int Opens;

    /// <summary>A database over this disk, as LiteDB would open a file (UTC dates, nulls left out).</summary>
    public LiteDatabase Open()
    {
        Interlocked.Increment(ref Opens);
        var mapper = new BsonMapper { SerializeNullValues = false };
        return new LiteDatabase(new FailingStream(this, Bytes), mapper, new FailingStream(this, LogBytes)) { UtcDate = true };
    }

    /// <summary>How a <see cref="ReopeningLiteFile{TView}"/> opens this disk, with the test's clock and first retry.</summary>
    public LiteFileOpening Opening(TimeProvider time, TimeSpan firstRetry) => new(
        (_, collections) =>
        {
            var db = Open();
            try
            {
                LiteFile.CreateCollections(db, collections);
                return db;
            }
            catch
            {
                LiteFile.DisposeAfterFault(db);
                throw;
            }
        },
        time,
        firstRetry,
        _ => Full ? "No space left on device (0 bytes free)" : null);

    /// <summary>A view of <paramref name="bytes"/> that throws like a full disk: before writing anything.</summary>
    private sealed class FailingStream(FullDisk disk, MemoryStream bytes) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => true;

        public override long Length
        {
            get
            {
                lock (disk)
                {
                    return bytes.Length;
                }
            }
        }

        public override long Position { get => _position; set => _position = value; }

        public override void Flush()
        {
            if (disk.Full)
            {
                throw new IOException("No space left on device");
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (disk.FailReads)
            {
                throw new IOException("Input/output error");
            }

            lock (disk)
            {
                bytes.Position = _position;
                var read = bytes.Read(buffer, offset, count);
                _position += read;
                return read;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        public override void SetLength(long value)
        {
            if (disk.Full && value > Length)
            {
                throw new IOException("No space left on device");
            }

            lock (disk)
            {
                bytes.SetLength(value);
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (disk.Full)
            {
                throw new IOException("No space left on device");
            }

            lock (disk)
            {
                bytes.Position = _position;
                bytes.Write(buffer, offset, count);
                _position += count;
            }
        }
    }
}
