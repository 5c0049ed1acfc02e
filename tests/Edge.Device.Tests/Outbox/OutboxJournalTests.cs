using System.Text;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Outbox;

/// <summary>The journal in front of the outbox's LiteDB file: its format, its replay at open, its rotation and faults.</summary>
public sealed class OutboxJournalTests : IDisposable
{
    private readonly TempFolder _folder = new("outbox-journal");
    private readonly FillableDisk _disk = new();
    private readonly StorageFaults _faults = new(NullLogger<StorageFaults>.Instance);

    public void Dispose()
    {
        _disk.Dispose();
        _folder.Dispose();
    }

    private string JournalFile => _folder["outbox.journal"];

    [Fact]
    public void Records_read_back_in_order_each_group_from_a_fresh_sector_in_a_file_that_never_changes_size()
    {
        using (var journal = new OutboxJournal(new JournalFileStream(JournalFile), JournalContents.Empty))
        {
            Assert.Equal(OutboxJournal.Capacity, new FileInfo(JournalFile).Length);
            var seq = 0L;
            while (journal.Length < 3 * 4096)
            {
                JournalRecord[] group = [OutboxJournal.AckRecord(seq), OutboxJournal.EventRecord(seq + 1, DateTime.UtcNow, "rating", Json(seq + 1, 4))];
                var start = journal.Length;
                journal.Append(group, durable: true);
                seq++;
                Assert.Equal(0, start % OutboxJournal.SectorSize);
                Assert.Equal(start + OutboxJournal.SectorSize, journal.Length);
            }

            Assert.Equal(OutboxJournal.Capacity, new FileInfo(JournalFile).Length);
        }

        var read = OutboxJournal.Read(File.ReadAllBytes(JournalFile));
        Assert.Equal(Enumerable.Range(1, read.Events.Count).Select(i => (long)i), read.Events.Select(e => e.Seq));
        Assert.True(read.Events.Count > 20);
        Assert.Equal(read.Events.Count - 1, read.AckedThrough);
        Assert.Equal(0, read.TornTailBytes);
        Assert.Equal(0, read.DamagedRecords);
        Assert.Equal(OutboxJournal.FormatVersion, read.Version);
        Assert.Contains("\"level\":4", read.Events[^1].Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transfer_the_disk_refuses_as_direct_goes_through_the_page_cache_instead()
    {
        // A card or disk with 4 KiB logical sectors refuses a 512-byte O_DIRECT write with EINVAL, as any O_DIRECT
        // device refuses an unaligned one (checked by hand on a loop device with --sector-size 4096: before this the
        // outbox could not even create its journal there). Here: an unaligned write, which ext4 refuses the same way.
        using (var stream = new JournalFileStream(JournalFile))
        {
            var startedDirect = stream.IsDirect;
            stream.Position = 3;
            stream.Write("hello"u8);
            stream.Flush();
            stream.Position = 3;
            var back = new byte[5];
            stream.ReadExactly(back);

            Assert.Equal("hello", Encoding.ASCII.GetString(back));
            Assert.False(stream.IsDirect);
            Assert.True(startedDirect || !OperatingSystem.IsLinux() || IsTmpfs(_folder.Path), "the journal should start with O_DIRECT on this file system");
        }

        Assert.Equal("hello", Encoding.ASCII.GetString(File.ReadAllBytes(JournalFile), 3, 5));
    }

    private static bool IsTmpfs(string path) =>
        File.ReadAllLines("/proc/self/mounts").Select(line => line.Split(' ')).Where(f => f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal))
            .MaxBy(f => f[1].Length) is { } mount && mount[2] == "tmpfs";

    [Fact]
    public void A_new_generation_ends_the_replay_before_the_older_records_it_overwrites_only_in_part()
    {
        using (var journal = new OutboxJournal(new JournalFileStream(JournalFile), JournalContents.Empty))
        {
            for (var seq = 1; seq <= 5; seq++)
            {
                journal.Append([OutboxJournal.EventRecord(seq, DateTime.UtcNow, "rating", Json(seq, 4))], durable: true);
            }

            journal.Reset(); // what a move into LiteDB does
            journal.Append([OutboxJournal.EventRecord(6, DateTime.UtcNow, "rating", Json(6, 3))], durable: true);
        }

        // Seqs 2..5 of the older generation are still on the disk after seq 6; they end the replay, they are not damage.
        var read = OutboxJournal.Read(File.ReadAllBytes(JournalFile));
        Assert.Equal([6L], read.Events.Select(e => e.Seq));
        Assert.Equal(0, read.TornTailBytes);
        Assert.Equal(0, read.DamagedRecords);
        Assert.Equal(2u, read.Generation);
    }

    [Fact]
    public async Task A_journal_left_by_the_version_before_the_pre_sized_file_is_replayed_and_then_rewritten_in_the_new_format()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync(Rating(4));
            await outbox.AcknowledgeAsync(1);
        }

        // Format 1: records from offset 0 without a generation (magic, type, length, CRC of type and length and payload).
        File.WriteAllBytes(JournalFile, [.. FormatOneEvent(2, Json(2, 3)), .. FormatOneEvent(3, Json(3, 2))]);

        using var upgraded = Open();
        Assert.Equal([2L, 3L], upgraded.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.False(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
        Assert.Equal(OutboxJournal.Capacity, new FileInfo(JournalFile).Length);
        Assert.Equal(OutboxJournal.FormatVersion, OutboxJournal.Read(File.ReadAllBytes(JournalFile)).Version);
        Assert.Equal(4, await upgraded.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task A_press_is_one_journal_fsync_and_leaves_the_LiteDB_file_alone()
    {
        using var outbox = await OpenNumberedAsync();
        var syncs = outbox.JournalSyncs;
        var logBefore = BytesOf(_folder["outbox-log.db"]);

        for (var i = 0; i < 10; i++)
        {
            var seq = await outbox.AppendAsync(Rating(4));
            await outbox.AcknowledgeAsync(seq);
        }

        Assert.Equal(10, outbox.JournalSyncs - syncs);
        Assert.Equal(logBefore, BytesOf(_folder["outbox-log.db"]));
        Assert.Equal(0, outbox.Depth);
    }

    [Fact]
    public async Task A_torn_last_record_is_cut_off_counted_and_numbering_goes_on_from_the_last_good_one()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync(Rating(4));
            await outbox.AppendAsync(Rating(3));
            await outbox.AppendAsync(Rating(2));
        }

        // A power cut in the middle of the third record's write (before its fsync: never answered as stored).
        var bytes = File.ReadAllBytes(JournalFile);
        var third = IndexOf(bytes, "\"level\":2");
        File.WriteAllBytes(JournalFile, bytes[..third]);

        using var reopened = Open();
        Assert.Equal([1L, 2L], reopened.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        Assert.True(reopened.JournalTornBytes > 0);
        Assert.Equal(0, reopened.JournalDamagedRecords);
        Assert.False(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
        Assert.Equal(3, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task A_bit_flip_in_the_middle_quarantines_the_journal_and_marks_the_hidden_seq_lost_never_dropping_it_silently()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync(Rating(4));
            await outbox.AppendAsync(Rating(3));
            await outbox.AppendAsync(Rating(2));
        }

        var bytes = File.ReadAllBytes(JournalFile);
        bytes[IndexOf(bytes, "\"level\":3") + 2] ^= 0x10;
        File.WriteAllBytes(JournalFile, bytes);

        using var reopened = Open();
        var pending = reopened.ReadAfter(0, 100, int.MaxValue)
            .Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!)
            .ToList();
        Assert.Equal([1L, 2L, 3L], pending.Select(e => e.Seq));
        Assert.Equal([EventKinds.Rating, EventKinds.Dropped, EventKinds.Rating], pending.Select(e => e.Kind));
        Assert.Equal([4, 2], pending.Where(e => e.Kind == EventKinds.Rating).Select(e => e.Level ?? 0));
        Assert.Equal(1, reopened.JournalDamagedRecords);
        Assert.True(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
        Assert.Contains("1 seqs marked lost", _faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder.Path, "outbox.journal.corrupt-*"));
        Assert.Equal(4, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task A_lost_journal_never_lets_its_seqs_be_used_again_they_are_marked_lost_up_to_the_seq_mark()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            await outbox.AppendAsync([Rating(4), Rating(3), Rating(2)]);
        }

        var mark = long.Parse(File.ReadAllText(_folder["outbox.seq"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(mark >= 3);
        File.Delete(JournalFile);

        using var reopened = Open();
        var pending = reopened.ReadAfter(0, 1000, int.MaxValue)
            .Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!)
            .ToList();
        Assert.Equal(Enumerable.Range(1, (int)mark).Select(i => (long)i), pending.Select(e => e.Seq));
        Assert.All(pending, e => Assert.Equal(EventKinds.Dropped, e.Kind));
        Assert.True(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
        Assert.Equal(mark + 1, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task An_outbox_kept_by_a_version_before_the_journal_starts_one_without_marking_anything_lost()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            var seqs = await outbox.AppendAsync([Rating(4), Rating(3)]);
            await outbox.AcknowledgeAsync(seqs[^1]);
        }

        // What the version before the journal left: a state row without the journal flag holding the exact numbering, no
        // journal, and a seq mark reserved ahead (that version committed every press into LiteDB before answering it).
        using (var db = new LiteOutboxFileOpener().Open(_folder["outbox.db"], "events", "meta", "salvaged"))
        {
            var meta = db.GetCollection("meta");
            var state = meta.FindById("state");
            Assert.True(state.Remove("journal"));
            state["nextSeq"] = 3L; // that version kept its numbering in the state row at every press
            meta.Upsert(state);
            db.Checkpoint();
        }

        File.Delete(JournalFile);
        File.WriteAllText(_folder["outbox.seq"], "17");

        using (var upgraded = Open())
        {
            Assert.Empty(upgraded.ReadAfter(0, 1000, int.MaxValue));
            Assert.False(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
            Assert.Equal(3, await upgraded.AppendAsync(Rating(1)));
        }

        // From now on the file is known to be kept with a journal: losing it is a loss again.
        File.Delete(JournalFile);
        using var afterLoss = Open();
        Assert.True(_faults.IsRaised(StorageFaultNames.StorageCorrupt));
    }

    [Fact]
    public async Task After_a_crash_the_journal_is_replayed_into_LiteDB_with_its_acks_and_emptied()
    {
        var crashed = new TempFolder("outbox-journal-crash");
        try
        {
            using (var outbox = await OpenNumberedAsync())
            {
                await outbox.AppendAsync([Rating(4), Rating(3), Rating(2), Rating(1), Rating(4)]);
                await outbox.AcknowledgeAsync(2);
                await outbox.AppendAsync(Rating(3)); // carries the ack record
                await outbox.AcknowledgeAsync(3); // not in the journal yet: resent after the crash

                // What a SIGKILL leaves: the files as the page cache holds them, with no stop of the store.
                foreach (var file in Directory.GetFiles(_folder.Path))
                {
                    File.Copy(file, Path.Combine(crashed.Path, Path.GetFileName(file)));
                }
            }

            using (var replayed = Open(crashed.Path))
            {
                Assert.Equal([3L, 4L, 5L, 6L], replayed.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
                Assert.Equal(2, replayed.LastAckedSeq);
                Assert.Equal(0, replayed.JournalOnlyEvents);
                Assert.Empty(OutboxJournal.Read(File.ReadAllBytes(Path.Combine(crashed.Path, "outbox.journal"))).Events);
                Assert.Equal(7, await replayed.AppendAsync(Rating(2)));
            }

            using var again = Open(crashed.Path);
            Assert.Equal([3L, 4L, 5L, 6L, 7L], again.ReadAfter(0, 100, int.MaxValue).Select(p => p.Seq));
        }
        finally
        {
            crashed.Dispose();
        }
    }

    [Fact]
    public async Task A_backlog_moves_into_LiteDB_and_the_journal_starts_again_without_losing_or_doubling_an_event()
    {
        using (var outbox = await OpenNumberedAsync())
        {
            for (var i = 0; i < 12; i++)
            {
                await outbox.AppendAsync(Enumerable.Repeat(Rating(4), 100).ToList());
            }

            // 1,000 journal-only events were moved into LiteDB; the last 200 are in the journal again.
            Assert.Equal(200, outbox.JournalOnlyEvents);
            Assert.Equal(200, OutboxJournal.Read(File.ReadAllBytes(JournalFile)).Events.Count);
            Assert.Equal(Enumerable.Range(1, 1200).Select(i => (long)i), outbox.ReadAfter(0, 5000, int.MaxValue).Select(p => p.Seq));
            Assert.Equal(Enumerable.Range(991, 20).Select(i => (long)i), outbox.ReadAfter(990, 20, int.MaxValue).Select(p => p.Seq));

            await outbox.AcknowledgeAsync(1100);
            Assert.Equal(100, outbox.Depth);
            Assert.Equal(Enumerable.Range(1101, 100).Select(i => (long)i), outbox.ReadAfter(0, 5000, int.MaxValue).Select(p => p.Seq));
        }

        using var reopened = Open();
        Assert.Equal(Enumerable.Range(1101, 100).Select(i => (long)i), reopened.ReadAfter(0, 5000, int.MaxValue).Select(p => p.Seq));
        Assert.Equal(1201, await reopened.AppendAsync(Rating(1)));
    }

    [Fact]
    public async Task A_full_disk_while_appending_fails_the_press_visibly_and_leaves_no_trace_of_it()
    {
        using var outbox = await OpenNumberedAsync();
        await outbox.AppendAsync([Rating(4), Rating(3)]);
        var before = new FileInfo(JournalFile).Length;

        _disk.Full = true;
        var full = await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(2)));
        Assert.False(full.Stored);
        Assert.True(_faults.IsRaised(StorageFaultNames.Disk));
        Assert.Equal(before, new FileInfo(JournalFile).Length);
        _disk.Full = false;
        await Eventually.TrueAsync(() => Task.FromResult(outbox.Available), TimeSpan.FromSeconds(20), "the outbox to reopen");

        // The write lands but its fsync fails: the record is cut off again, so the press is truly not stored.
        _disk.SyncFails = true;
        var failed = await Assert.ThrowsAsync<OutboxWriteException>(() => outbox.AppendAsync(Rating(1)));
        Assert.False(failed.Stored);
        Assert.Contains("Input/output error", failed.Message, StringComparison.Ordinal);
        _disk.SyncFails = false;
        await Eventually.TrueAsync(() => Task.FromResult(outbox.Available), TimeSpan.FromSeconds(20), "the outbox to reopen");

        Assert.Equal(3, await outbox.AppendAsync(Rating(4)));
        Assert.Equal([4, 3, 4], outbox.ReadAfter(0, 100, int.MaxValue)
            .Select(p => System.Text.Json.JsonSerializer.Deserialize(p.Json, WireJson.Default.DeviceEvent)!.Level ?? 0));
    }

    /// <summary>An event record as format 1 wrote it (the CRC as <see cref="OutboxJournal"/> computes it).</summary>
    private static byte[] FormatOneEvent(long seq, string json)
    {
        var record = OutboxJournal.EventRecord(seq, DateTime.UtcNow, "rating", json);
        var payload = record.Payload;
        var bytes = new byte[11 + payload.Length];
        bytes[0] = (byte)'E';
        bytes[1] = (byte)'J';
        bytes[2] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(3), payload.Length);
        payload.CopyTo(bytes, 11);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(7), Crc32(bytes.AsSpan(2, 5), payload));
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var crc = 0xFFFFFFFFu;
        byte[] all = [.. first, .. second];
        foreach (var b in all)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BytesOf(string file) => File.Exists(file) ? File.ReadAllBytes(file) : [];

    private static string Json(long seq, int level) =>
        System.Text.Json.JsonSerializer.Serialize(Rating(level) with { Seq = seq }, WireJson.Default.DeviceEvent);

    private static int IndexOf(byte[] bytes, string text)
    {
        var index = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.True(index >= 0, $"{text} not found in the journal");
        return index;
    }

    private async Task<OutboxStore> OpenNumberedAsync()
    {
        var outbox = Open();
        await outbox.AcknowledgeAsync(0);
        return outbox;
    }

    private OutboxStore Open(string? folder = null) =>
        new(
            Options.Create(new DeviceOptions { Id = "dev-1", DataDir = folder ?? _folder.Path }),
            Options.Create(new OutboxOptions { ReopenMin = TimeSpan.FromMilliseconds(50), ReopenMax = TimeSpan.FromMilliseconds(200) }),
            _faults,
            _disk,
            NullLogger<OutboxStore>.Instance);

    private static DeviceEvent Rating(int level) =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = level, Scale = 4 };
}
