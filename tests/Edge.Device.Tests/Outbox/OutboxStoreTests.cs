using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Outbox;

public sealed class OutboxStoreTests : IDisposable
{
    private readonly TempFolder _folder = new("outbox");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Appended_events_are_numbered_from_one_in_order()
    {
        using var outbox = Open();

        var seqs = await outbox.AppendAsync([Rating(4), Rating(3), Rating(1)]);
        var next = await outbox.AppendAsync(Rating(2));

        Assert.Equal([1L, 2L, 3L], seqs);
        Assert.Equal(4, next);
        var pending = outbox.ReadAfter(0, 100, int.MaxValue);
        Assert.Equal([1L, 2L, 3L, 4L], pending.Select(p => p.Seq));
        Assert.Equal(4, outbox.Depth);
    }

    [Fact]
    public async Task Concurrent_appends_get_distinct_seqs_with_no_gap()
    {
        using var outbox = Open();

        var all = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => outbox.AppendAsync(Rating(4))));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), all.Order());
    }

    [Fact]
    public async Task Acknowledge_frees_only_events_up_to_the_acked_seq()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync([Rating(4), Rating(3), Rating(2), Rating(1)]);

        await outbox.AcknowledgeAsync(2);

        Assert.Equal(2, outbox.LastAckedSeq);
        Assert.Equal([3L, 4L], outbox.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.Equal(2, outbox.Snapshot().Depth);
    }

    [Fact]
    public async Task Numbering_and_unacked_events_survive_reopening()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync([Rating(4), Rating(3), Rating(2)]);
            await outbox.AcknowledgeAsync(1);
        }

        using var reopened = Open();
        Assert.Equal(1, reopened.LastAckedSeq);
        Assert.Equal([2L, 3L], reopened.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.Equal(4, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task Seq_keeps_rising_after_every_event_was_acknowledged_and_reopened()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync([Rating(4), Rating(3)]);
            await outbox.AcknowledgeAsync(2);
        }

        using var reopened = Open();
        Assert.Equal(3, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task The_first_ack_to_a_fresh_outbox_numbers_its_events_after_the_fleets_instead_of_freeing_them()
    {
        using var outbox = Open();
        Assert.True(outbox.AwaitingFleetSeq);
        await outbox.AppendAsync([Rating(4), Rating(2)]);

        // The fleet already has seq 1..50 from this device: the local file was lost and recreated.
        await outbox.AcknowledgeAsync(50);

        Assert.False(outbox.AwaitingFleetSeq);
        var pending = outbox.ReadAfter(0, 100, int.MaxValue);
        Assert.Equal([51L, 52L], pending.Select(p => p.Seq));
        Assert.Equal([4, 2], pending.Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!).Select(e => e.Level ?? 0));
        Assert.All(pending, p => Assert.Contains($"\"seq\":{p.Seq},", p.Json, StringComparison.Ordinal));

        // Renumbered in place, yet the same JSON as the event serialized anew with its final seq.
        Assert.All(pending, p => Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!, WireJson.Default.DeviceEvent),
            p.Json));
        Assert.Equal(50, outbox.LastAckedSeq);
        Assert.Equal(53, await outbox.AppendAsync(Rating(3)));
    }

    [Fact]
    public async Task Provisional_numbering_survives_a_restart_before_the_fleets_first_ack()
    {
        using (var outbox = Open())
        {
            await outbox.AppendAsync(Rating(4));
        }

        using var reopened = Open();
        Assert.True(reopened.AwaitingFleetSeq);
        await reopened.AcknowledgeAsync(7);
        Assert.Equal([8L], reopened.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
    }

    [Fact]
    public async Task The_seq_mark_covers_numbered_events_not_provisional_ones_and_is_exact_once_drained_and_stopped()
    {
        var outbox = Open();
        await outbox.AppendAsync([Rating(4), Rating(3)]);
        Assert.False(File.Exists(_folder["outbox.seq"]));

        await outbox.AcknowledgeAsync(10);
        Assert.Equal(13, await outbox.AppendAsync(Rating(2)));
        Assert.True(long.Parse(File.ReadAllText(_folder["outbox.seq"]), System.Globalization.CultureInfo.InvariantCulture) >= 13);

        await outbox.AcknowledgeAsync(13);
        outbox.Dispose();
        Assert.Equal("13", File.ReadAllText(_folder["outbox.seq"]));
    }

    [Fact]
    public async Task An_ack_beyond_the_numbering_of_a_trusted_file_moves_numbering_past_it()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync(Rating(4));

        // The fleet has 1..50: this file is an older copy of itself (restored), whose events the fleet has.
        await outbox.AcknowledgeAsync(50);

        Assert.Equal(51, await outbox.AppendAsync(Rating(3)));
    }

    [Fact]
    public async Task Over_the_byte_cap_health_samples_become_dropped_markers_and_ratings_stay()
    {
        using var outbox = Open(maxBytes: 64 * 1024);
        var big = new string('x', 2000);
        for (var i = 0; i < 40; i++)
        {
            await outbox.AppendAsync(new DeviceEvent { Seq = 0, Kind = EventKinds.HealthSample, At = DateTimeOffset.UtcNow, Detail = big });
            await outbox.AppendAsync(Rating(4));
        }

        var snapshot = outbox.Snapshot();
        var events = outbox.ReadAfter(0, 1000, int.MaxValue)
            .Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!)
            .ToList();

        Assert.True(snapshot.DroppedEvents > 0);
        Assert.True(snapshot.Bytes <= 64 * 1024, $"bytes {snapshot.Bytes}");
        Assert.Equal(40, events.Count(e => e.Kind == EventKinds.Rating));
        Assert.Equal(snapshot.DroppedEvents, events.Count(e => e.Kind == EventKinds.Dropped));
        Assert.Equal(Enumerable.Range(1, 80).Select(i => (long)i), events.Select(e => e.Seq));
    }

    [Fact]
    public async Task ReadAfter_respects_the_byte_limit_but_returns_at_least_one_event()
    {
        using var outbox = Open();
        await outbox.AppendAsync([Rating(4), Rating(3), Rating(2)]);

        Assert.Single(outbox.ReadAfter(0, 100, maxBytes: 1));
        Assert.Equal(2, outbox.ReadAfter(1, 100, int.MaxValue).Count);
    }

    [Fact]
    public async Task A_drained_outbox_above_its_compaction_size_shrinks()
    {
        using var outbox = await OpenNumberedAsync();
        var big = Rating(4) with { Detail = new string('x', 400) };
        for (var i = 0; i < 6; i++)
        {
            await outbox.AppendAsync(Enumerable.Repeat(big, 1000).ToList());
        }

        var full = outbox.FileBytes();
        await outbox.AcknowledgeAsync(6000);

        Assert.True(full > 1024 * 1024, $"the file held {full} bytes");
        Assert.True(outbox.FileBytes() < full / 4, $"{full} bytes before the ack, {outbox.FileBytes()} after");
    }

    [Fact]
    public async Task Freed_bytes_and_depth_stay_exact_through_cap_drops_journal_moves_restarts_and_acks()
    {
        var sample = new DeviceEvent { Seq = 0, Kind = EventKinds.HealthSample, At = DateTimeOffset.UtcNow, Detail = new string('x', 2000) };
        using (var capped = await OpenNumberedAsync(maxBytes: 64 * 1024))
        {
            // Single presses go to the journal; over the cap the journal moves into LiteDB and samples become markers.
            for (var i = 0; i < 40; i++)
            {
                await capped.AppendAsync(sample);
                await capped.AppendAsync(Rating(4));
            }

            Assert.True(capped.Snapshot().DroppedEvents > 0);
            await capped.AcknowledgeAsync(25);
            AssertCountsMatchRows(capped);
        }

        long last;
        using (var outbox = Open())
        {
            AssertCountsMatchRows(outbox);

            // A group commit straight into LiteDB, then more than a journal's worth (1,000) of single presses: a move.
            last = (await outbox.AppendAsync(Enumerable.Repeat(Rating(3), 50).ToList()))[^1];
            for (var i = 0; i < 1010; i++)
            {
                last = await outbox.AppendAsync(Rating(2));
            }

            Assert.InRange(outbox.JournalOnlyEvents, 1, 1000);
            AssertCountsMatchRows(outbox);
            await outbox.AcknowledgeAsync(70);
            AssertCountsMatchRows(outbox);
            await outbox.AcknowledgeAsync(last - 5);
            AssertCountsMatchRows(outbox);
            await outbox.AppendAsync([Rating(1), Rating(1)]);
            AssertCountsMatchRows(outbox);
        }

        using var reopened = Open();
        AssertCountsMatchRows(reopened);
        Assert.Equal(7, reopened.Depth);
        await reopened.AcknowledgeAsync(last - 1);
        AssertCountsMatchRows(reopened);
        Assert.Equal(3, reopened.Depth);
        await reopened.AcknowledgeAsync(last + 2);
        Assert.Equal((0L, 0L), (reopened.Snapshot().Depth, reopened.Snapshot().Bytes));
    }

    /// <summary>The counters kept in memory agree with the rows the outbox would send.</summary>
    private static void AssertCountsMatchRows(OutboxStore outbox)
    {
        var rows = outbox.ReadAfter(0, int.MaxValue, int.MaxValue);
        var snapshot = outbox.Snapshot();
        Assert.Equal((rows.Count, rows.Sum(r => (long)r.Json.Length)), (snapshot.Depth, snapshot.Bytes));
        Assert.All(rows, r => Assert.True(r.Seq > outbox.LastAckedSeq));
    }

    /// <summary>A fresh outbox after the fleet's first ack said it has nothing of this device (a new device).</summary>
    private async Task<OutboxStore> OpenNumberedAsync(long maxBytes = 64L * 1024 * 1024)
    {
        var outbox = Open(maxBytes);
        await outbox.AcknowledgeAsync(0);
        return outbox;
    }

    private OutboxStore Open(long maxBytes = 64L * 1024 * 1024) =>
        new(
            Options.Create(new DeviceOptions { Id = "dev-1", DataDir = _folder.Path }),
            Options.Create(new OutboxOptions { MaxBytes = maxBytes, CompactAboveBytes = 1024 * 1024 }),
            NullLogger<OutboxStore>.Instance);

    private static DeviceEvent Rating(int level) =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = level, Scale = 4 };
}
