using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// A full disk: LiteDB's writes fail with an I/O error and its engine stays closed for good. The store must say it
/// cannot store (not crash, not 500), and once space is back, reopen the file by itself and take appends again.
/// The "disk" is a stream the test can make fail like ENOSPC (nothing written), shared by every reopening.
/// </summary>
public sealed class LiteEventStoreRecoveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly Disk _disk = new();
    private readonly ManualTime _time = new();

    [Fact]
    public async Task A_store_whose_disk_filled_up_reopens_by_itself_and_takes_appends_again()
    {
        using var store = new LiteEventStore("disk", _ => Open(_disk), _time, TimeSpan.FromSeconds(1));
        await store.AppendAsync([Batch("dev-a", 1, 2)], Now, CancellationToken.None);

        _disk.Full = true;
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync([Batch("dev-a", 3)], Now, CancellationToken.None));
        Assert.IsType<StoreUnavailableException>(failed);
        Assert.NotNull(store.Problem);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAckedUpToAsync("dev-a", CancellationToken.None));

        // Before the backoff has passed the store does not even try; after it, it reopens the file.
        _disk.Full = false;
        _time.Advance(TimeSpan.FromMilliseconds(900));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAckedUpToAsync("dev-a", CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var upTo = await store.AppendAsync([Batch("dev-a", 3, 4)], Now, CancellationToken.None);

        Assert.Equal(4, upTo["dev-a"]);
        Assert.Null(store.Problem);
        Assert.Equal(4, (await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
        Assert.True(_disk.Opens >= 2, "the file was opened again");
    }

    [Fact]
    public async Task A_store_that_cannot_open_its_file_answers_unavailable_instead_of_throwing_at_start()
    {
        _disk.Full = true;
        _disk.FailReads = true;
        using var store = new LiteEventStore("disk", _ => Open(_disk), _time, TimeSpan.FromSeconds(1));

        Assert.NotNull(store.Problem);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAckedUpToAsync("dev-a", CancellationToken.None));

        _disk.Full = false;
        _disk.FailReads = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
        Assert.Null(store.Problem);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = Now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private static LiteDatabase Open(Disk disk)
    {
        disk.Opens++;
        return new LiteDatabase(new FailingStream(disk), new BsonMapper { SerializeNullValues = false }) { UtcDate = true };
    }

    private static EventBatch Batch(string device, params long[] seqs) => new(device, seqs.Select(s => new DeviceEvent
    {
        Seq = s,
        Kind = EventKinds.Rating,
        At = Now,
        Level = 4,
        Scale = 4,
        Counter = "c1",
    }).ToList());

    /// <summary>The bytes of the "file", kept across reopenings, and whether writing (or reading) fails.</summary>
    private sealed class Disk
    {
        public MemoryStream Bytes { get; } = new();

        public volatile bool Full;

        public volatile bool FailReads;

        public int Opens;
    }

    /// <summary>A view of <see cref="Disk.Bytes"/> that throws like a full disk: before writing anything.</summary>
    private sealed class FailingStream(Disk disk) : Stream
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
                    return disk.Bytes.Length;
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
                disk.Bytes.Position = _position;
                var read = disk.Bytes.Read(buffer, offset, count);
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
                disk.Bytes.SetLength(value);
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
                disk.Bytes.Position = _position;
                disk.Bytes.Write(buffer, offset, count);
                _position += count;
            }
        }
    }
}
