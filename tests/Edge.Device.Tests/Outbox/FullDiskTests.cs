using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Outbox;

public sealed class FullDiskTests : IDisposable
{
    private readonly TempFolder _folder = new("outbox-full");
    private readonly FillableDisk _disk = new();
    private readonly StorageFaults _faults = new(NullLogger<StorageFaults>.Instance);

    public void Dispose()
    {
        _disk.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_write_on_a_full_disk_fails_saying_not_stored_and_raises_the_disk_fault()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync([Rating(4), Rating(3)]);

        _disk.Full = true;
        var failure = await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(2)));

        Assert.False(failure.Stored);
        Assert.Contains("No space left on device", failure.Message, StringComparison.Ordinal);
        Assert.True(_faults.IsRaised(StorageFaultNames.Disk));
        Assert.True(_disk.Refused > 0);
        var snapshot = outbox.Snapshot(); // must not throw on a closed file
        Assert.Equal(2, snapshot.Depth);
        Assert.Equal(3, snapshot.NextSeq);
    }

    [Fact]
    public async Task When_space_returns_the_outbox_reopens_by_itself_and_numbers_on_without_a_gap()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync([Rating(4), Rating(3)]);
        _disk.Full = true;
        await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(2)));
        await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(2)));

        _disk.Full = false;
        await Eventually.TrueAsync(() => Task.FromResult(outbox.Available && !_faults.IsRaised(StorageFaultNames.Disk)), TimeSpan.FromSeconds(20), "the outbox to reopen");

        Assert.Equal(3, await outbox.AppendAsync(Rating(1)));
        Assert.Equal([1L, 2L, 3L], outbox.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.Equal([4, 3, 1], outbox.ReadAfter(0, 100, int.MaxValue)
            .Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!.Level ?? 0));
    }

    [Fact]
    public async Task Reads_and_acks_on_a_closed_file_fail_softly()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync([Rating(4), Rating(3)]);
        _disk.Full = true;
        await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(2)));

        Assert.Empty(outbox.ReadAfter(0, 100, int.MaxValue));
        await Assert.ThrowsAnyAsync<IOException>(() => outbox.AcknowledgeAsync(1));

        _disk.Full = false;
        await Eventually.TrueAsync(() => Task.FromResult(outbox.Available), TimeSpan.FromSeconds(20), "the outbox to reopen");
        await outbox.AcknowledgeAsync(1);
        Assert.Equal([2L], outbox.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
    }

    [Fact]
    public async Task Starting_on_a_full_disk_does_not_throw_and_recovers_when_space_returns()
    {
        _disk.Full = true;
        using var outbox = Open();

        Assert.False(outbox.Available);
        Assert.True(_faults.IsRaised(StorageFaultNames.Disk));
        var failure = await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(4)));
        Assert.False(failure.Stored);
        Assert.Equal(0, outbox.Snapshot().Depth);

        _disk.Full = false;
        await Eventually.TrueAsync(() => Task.FromResult(outbox.Available), TimeSpan.FromSeconds(20), "the outbox to open");
        await outbox.AcknowledgeAsync(0);
        Assert.Equal(1, await outbox.AppendAsync(Rating(4)));
        Assert.False(_faults.IsRaised(StorageFaultNames.Disk));
    }

    [Fact]
    public async Task An_ack_that_arrives_while_the_file_is_closed_is_applied_once_it_reopens()
    {
        using var outbox = Open();
        await outbox.AppendAsync(Rating(4));
        _disk.Full = true;
        await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(3)));

        // The fleet's ack on connect, which a fresh outbox needs before it sends anything.
        await Assert.ThrowsAnyAsync<IOException>(() => outbox.AcknowledgeAsync(40));
        Assert.True(outbox.AwaitingFleetSeq);

        _disk.Full = false;
        await Eventually.TrueAsync(() => Task.FromResult(!outbox.AwaitingFleetSeq), TimeSpan.FromSeconds(20), "the kept ack to number the outbox");
        Assert.Equal([41L], outbox.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.Equal(40, outbox.LastAckedSeq);
    }

    private async Task<OutboxStore> OpenNumberedAsync()
    {
        var outbox = Open();
        await outbox.AcknowledgeAsync(0);
        return outbox;
    }

    private OutboxStore Open() =>
        new(
            Options.Create(new DeviceOptions { Id = "dev-1", DataDir = _folder.Path }),
            Options.Create(new OutboxOptions { ReopenMin = TimeSpan.FromMilliseconds(50), ReopenMax = TimeSpan.FromMilliseconds(200) }),
            _faults,
            _disk,
            NullLogger<OutboxStore>.Instance);

    private static DeviceEvent Rating(int level) =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = level, Scale = 4 };
}
