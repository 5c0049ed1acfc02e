using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Wire;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// A full disk: LiteDB's writes fail with an I/O error and its engine stays closed for good. The store must say it
/// cannot store (not crash, not 500), and once space is back, reopen the file by itself and take appends again.
/// The "disk" is a stream the test can make fail like ENOSPC (nothing written), shared by every reopening.
/// </summary>
public sealed class LiteEventStoreRecoveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly FullDisk _disk = new();
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task A_store_whose_disk_filled_up_reopens_by_itself_and_takes_appends_again()
    {
        using var store = new LiteEventStore("disk", _ => _disk.Open(), _time, TimeSpan.FromSeconds(1));
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
        using var store = new LiteEventStore("disk", _ => _disk.Open(), _time, TimeSpan.FromSeconds(1));

        Assert.NotNull(store.Problem);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAckedUpToAsync("dev-a", CancellationToken.None));

        _disk.Full = false;
        _disk.FailReads = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
        Assert.Null(store.Problem);
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
}
