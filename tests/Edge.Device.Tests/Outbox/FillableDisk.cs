using Edge.Device.Outbox;
using Edge.Storage;
using LiteDB;

namespace Edge.Device.Tests.Outbox;

/// <summary>
/// Opens the outbox on real files through streams that fail like a full disk (IOException "No space left on device")
/// while <see cref="Full"/> is set, so that LiteDB meets the error where it really would: in its own writes.
/// </summary>
public sealed class FillableDisk : IOutboxFileOpener, IDisposable
{
    private readonly List<Stream> _opened = [];
    private readonly Lock _lock = new();

    public volatile bool Full;

    /// <summary>Writes land in the page cache but every fsync fails (an I/O error of the medium).</summary>
    public volatile bool SyncFails;

    /// <summary>Writes refused since the start.</summary>
    public int Refused;

    public LiteDatabase Open(string path, params string[] collections)
    {
        if (Full && !File.Exists(path))
        {
            throw new IOException("No space left on device : '" + path + "'");
        }

        lock (_lock)
        {
            var data = new FillableStream(this, new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite));
            var log = new FillableStream(this, new FileStream(LiteFile.LogFileOf(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite));
            _opened.Add(data);
            _opened.Add(log);
            var db = new LiteDatabase(data, new BsonMapper { SerializeNullValues = false }, log) { UtcDate = true };
            try
            {
                LiteFile.CreateCollections(db, collections);
            }
            catch
            {
                db.Dispose();
                throw;
            }

            return db;
        }
    }

    /// <summary>The journal on the same failing disk: its appends and fsyncs refused while <see cref="Full"/>.</summary>
    public Stream OpenJournal(string path)
    {
        lock (_lock)
        {
            var journal = new FillableStream(this, new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite));
            _opened.Add(journal);
            return journal;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _opened.ForEach(s => s.Dispose());
        }
    }

    private sealed class FillableStream(FillableDisk disk, FileStream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
            Refuse();
            if (disk.SyncFails)
            {
                throw new IOException("Input/output error");
            }

            inner.Flush(flushToDisk: true);
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value)
        {
            Refuse();
            inner.SetLength(value);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Refuse();
            inner.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Refuse()
        {
            if (disk.Full)
            {
                Interlocked.Increment(ref disk.Refused);
                throw new IOException("No space left on device");
            }
        }
    }
}
