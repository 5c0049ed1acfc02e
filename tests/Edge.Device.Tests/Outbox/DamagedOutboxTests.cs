using System.Text.RegularExpressions;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Outbox;

/// <summary>
/// A previous life delivers some events and leaves some pending; the outbox file is then damaged or lost; the next
/// life must quarantine it, raise the alarm, resend what it can salvage, and lose none of its own events.
/// </summary>
public sealed partial class DamagedOutboxTests : IDisposable
{
    private const int Delivered = 30;
    private const int Pending = 12;
    private readonly TempFolder _folder = new("outbox-damaged");

    public void Dispose() => _folder.Dispose();

    private string DataFile => _folder["outbox.db"];

    private string JournalFile => _folder["outbox.journal"];

    [Fact]
    public async Task Bytes_overwritten_at_the_start_quarantine_the_file_and_salvage_every_pending_event()
    {
        var fleet = await PreviousLifeAsync();
        var garbage = new byte[4096];
        new Random(13).NextBytes(garbage);
        using (var file = File.OpenWrite(DataFile))
        {
            file.Write(garbage);
        }

        var (faults, _) = await NextLifeAsync(fleet, expectQuarantine: true);

        Assert.Equal(Enumerable.Range(Delivered + 1, Pending).Select(i => $"old-{i}"), fleet.Details.Where(d => d.StartsWith("old-", StringComparison.Ordinal)).Skip(Delivered));
        Assert.Contains($"{Pending} events salvaged", faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_file_is_quarantined_and_what_survives_is_resent()
    {
        var fleet = await PreviousLifeAsync();
        using (var file = new FileStream(DataFile, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }

        await NextLifeAsync(fleet, expectQuarantine: true);
    }

    [Fact]
    public async Task A_file_of_zeros_and_its_journal_zeroed_too_are_quarantined_and_the_pending_seqs_are_marked_lost()
    {
        var fleet = await PreviousLifeAsync();
        File.WriteAllBytes(DataFile, new byte[new FileInfo(DataFile).Length]);
        File.WriteAllBytes(JournalFile, new byte[new FileInfo(JournalFile).Length]);

        await NextLifeAsync(fleet, expectQuarantine: true);

        Assert.All(Enumerable.Range(Delivered + 1, Pending), seq => Assert.Equal(EventKinds.Dropped, fleet.Stored[seq].Kind));
    }

    [Fact]
    public async Task A_file_of_zeros_with_its_journal_intact_resends_every_pending_event_from_the_journal()
    {
        var fleet = await PreviousLifeAsync();
        File.WriteAllBytes(DataFile, new byte[new FileInfo(DataFile).Length]);

        await NextLifeAsync(fleet, expectQuarantine: true);

        Assert.All(Enumerable.Range(Delivered + 1, Pending), seq => Assert.Equal($"old-{seq}", fleet.Stored[seq].Detail));
    }

    [Fact]
    public async Task A_zero_length_file_is_quarantined_not_silently_replaced()
    {
        var fleet = await PreviousLifeAsync();
        File.WriteAllBytes(DataFile, []);

        var (faults, _) = await NextLifeAsync(fleet, expectQuarantine: true);

        Assert.Contains("0 bytes", faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_raises_the_alarm_from_the_seq_mark_and_loses_no_new_event()
    {
        var fleet = await PreviousLifeAsync();
        File.Delete(DataFile);

        var (faults, _) = await NextLifeAsync(fleet, expectQuarantine: false);

        Assert.Contains("missing", faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_lost_after_delivery_keeps_every_new_event_and_raises_the_alarm_at_the_first_ack()
    {
        var fleet = await PreviousLifeAsync(pending: 0);
        foreach (var file in Directory.GetFiles(_folder.Path))
        {
            File.Delete(file);
        }

        var (faults, _) = await NextLifeAsync(fleet, expectQuarantine: false);

        Assert.Equal(Delivered + NewEvents, fleet.Stored.Count);
        Assert.Contains($"fleet already had events up to {Delivered}", faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_after_everything_was_delivered_needs_no_lost_markers()
    {
        var fleet = await PreviousLifeAsync(pending: 0);
        File.Delete(DataFile);

        await NextLifeAsync(fleet, expectQuarantine: false);

        Assert.DoesNotContain(fleet.Stored.Values, e => e.Kind == EventKinds.Dropped);
        Assert.Equal(Delivered + NewEvents, fleet.Stored.Count);
    }

    [Fact]
    public async Task A_healthy_file_raises_no_alarm_and_is_not_moved()
    {
        var fleet = await PreviousLifeAsync();
        var faults = new StorageFaults(NullLogger<StorageFaults>.Instance);

        using var outbox = Open(faults);

        Assert.False(outbox.AwaitingFleetSeq);
        Assert.Empty(faults.Snapshot());
        Assert.Empty(OutboxQuarantine.Quarantined(DataFile));
        await fleet.DrainAsync(outbox);
        Assert.Equal(Delivered + Pending, fleet.UpTo);
    }

    private const int NewEvents = 5;

    /// <summary>A device that numbered Delivered + pending events and got Delivered of them to the fleet.</summary>
    private async Task<FakeFleet> PreviousLifeAsync(int pending = Pending)
    {
        var fleet = new FakeFleet();
        using var outbox = Open(new StorageFaults(NullLogger<StorageFaults>.Instance));
        await outbox.AcknowledgeAsync(fleet.UpTo);
        for (var i = 1; i <= Delivered + pending; i++)
        {
            await outbox.AppendAsync(Rating($"old-{i}"));
        }

        fleet.Receive(outbox.ReadAfter(0, Delivered, int.MaxValue));
        await outbox.AcknowledgeAsync(fleet.UpTo);
        Assert.Equal(Delivered, fleet.UpTo);
        return fleet;
    }

    /// <summary>
    /// Starts on the damaged or missing file, stores new events before the fleet is reachable, then connects and
    /// drains; checks what every case must guarantee.
    /// </summary>
    private async Task<(StorageFaults Faults, OutboxStore Outbox)> NextLifeAsync(FakeFleet fleet, bool expectQuarantine)
    {
        var faults = new StorageFaults(NullLogger<StorageFaults>.Instance);
        var outbox = Open(faults);
        try
        {
            Assert.True(outbox.AwaitingFleetSeq);
            for (var i = 1; i <= NewEvents; i++)
            {
                await outbox.AppendAsync(Rating($"new-{i}"));
            }

            await fleet.DrainAsync(outbox);

            // Every new event reached the fleet, after everything it had, with no gap left behind.
            Assert.Equal(Enumerable.Range(1, NewEvents).Select(i => $"new-{i}"), fleet.Details.Where(d => d.StartsWith("new-", StringComparison.Ordinal)));
            Assert.All(fleet.Stored.Values.Where(e => e.Detail?.StartsWith("new-", StringComparison.Ordinal) == true), e => Assert.True(e.Seq > Delivered));
            Assert.Equal(fleet.Stored.Keys.Max(), fleet.UpTo);

            // The previous life's first events are still the fleet's, untouched.
            Assert.All(Enumerable.Range(1, Delivered), seq => Assert.Equal($"old-{seq}", fleet.Stored[seq].Detail));

            // Nothing of the previous life is taken silently: each seq it may have used is resent or marked lost.
            foreach (var seq in fleet.Stored.Keys.Where(s => s > Delivered && fleet.Stored[s].Detail?.StartsWith("new-", StringComparison.Ordinal) != true))
            {
                var evt = fleet.Stored[seq];
                Assert.True(evt.Detail == $"old-{seq}" || evt is { Kind: EventKinds.Dropped, Subject: "outbox" }, $"seq {seq}: {evt.Kind} {evt.Detail}");
            }

            var quarantined = OutboxQuarantine.Quarantined(DataFile);
            if (expectQuarantine)
            {
                Assert.Single(quarantined);
                Assert.Matches(QuarantineName(), Path.GetFileName(quarantined[0]));
                Assert.Contains(Path.GetFileName(quarantined[0]), faults.Detail(StorageFaultNames.StorageCorrupt), StringComparison.Ordinal);
            }
            else
            {
                Assert.Empty(quarantined);
            }

            Assert.True(faults.IsRaised(StorageFaultNames.StorageCorrupt));
            Assert.False(faults.IsRaised(StorageFaultNames.Disk));
            return (faults, outbox);
        }
        finally
        {
            outbox.Dispose();
        }
    }

    private OutboxStore Open(StorageFaults faults) =>
        new(
            Options.Create(new DeviceOptions { Id = "dev-1", DataDir = _folder.Path }),
            Options.Create(new OutboxOptions()),
            faults,
            new LiteOutboxFileOpener(),
            NullLogger<OutboxStore>.Instance);

    private static DeviceEvent Rating(string detail) =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = 4, Scale = 4, Detail = detail };

    [GeneratedRegex(@"^outbox\.db\.corrupt-\d{8}T\d{6}Z$")]
    private static partial Regex QuarantineName();
}
