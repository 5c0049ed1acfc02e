using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// How every test of an embedded store shows that it survives a full disk (<see cref="ReopeningLiteFile{TView}"/>): a
/// <see cref="FullDisk"/> the store's file lives on, the test's clock for the backoff, the node's <see cref="StoreOutages"/>,
/// and <see cref="ShowsOutageAndRecoveryAsync"/>, the one sequence of checks each store goes through.
/// </summary>
internal sealed class FullDiskOutage
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    public FullDiskOutage()
    {
        Outages = new StoreOutages(NullLogger<StoreOutages>.Instance, Time);
        Opening = Disk.Opening(Time, FirstRetry);
    }

    public FullDisk Disk { get; } = new();

    public FakeTimeProvider Time { get; } = new(Start);

    public StoreOutages Outages { get; }

    /// <summary>What the store under test is given to open its file on <see cref="Disk"/>.</summary>
    public LiteFileOpening Opening { get; }

    /// <summary>
    /// Fills the disk, checks that <paramref name="write"/> is refused the way the fleet answers it (503 naming the store,
    /// one outage, calls counted), and that each of <paramref name="alsoRefused"/> is refused the same way; frees the disk,
    /// and checks that the same write then succeeds and <paramref name="check"/> sees both what was written before the
    /// outage and after it.
    /// </summary>
    public async Task ShowsOutageAndRecoveryAsync(string store, Func<Task> write, Func<Task> check, params Func<Task>[] alsoRefused)
    {
        Disk.Full = true;
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(write);
        Assert.Contains($"the {store} store", refused.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
        foreach (var call in alsoRefused)
        {
            var also = await Assert.ThrowsAsync<StoreUnavailableException>(call);
            Assert.Contains($"the {store} store", also.Message, StringComparison.Ordinal);
        }

        // A background job retrying in a loop: refused at once, no new attempt on the disk, one outage.
        var opens = Disk.Opens;
        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(write);
        }

        Assert.Equal(opens, Disk.Opens);
        var down = Assert.Single(Outages.Snapshot(), s => s.Name == store);
        Assert.NotNull(down.Reason);
        Assert.Equal(1, down.Outages);
        Assert.True(down.Refused >= 51 + alsoRefused.Length, $"every refused call is counted (got {down.Refused})");
        Assert.Contains(store, Outages.Problem(), StringComparison.Ordinal);

        // The given-up engine left no transaction whose finalizer throws (that kills the process, not the test).
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Space back, but before the backoff has passed nothing is tried.
        Disk.Full = false;
        Time.Advance(FirstRetry / 2);
        await Assert.ThrowsAsync<StoreUnavailableException>(write);
        Assert.Equal(opens, Disk.Opens);

        Time.Advance(FirstRetry);
        await write();
        await check();
        Assert.True(Disk.Opens > opens, "the file was opened again");
        var up = Assert.Single(Outages.Snapshot(), s => s.Name == store);
        Assert.Null(up.Reason);
        Assert.Null(Outages.Problem());
    }
}
