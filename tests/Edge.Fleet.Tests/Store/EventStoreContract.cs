using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// What every <see cref="IEventStore"/> must do, whatever engine is behind it. A store's test class derives from
/// this and says how to make a store on fresh, empty storage; nothing here knows the engine.
/// </summary>
public abstract class EventStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private IEventStore? _store;

    protected IEventStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    /// <summary>A store on fresh, empty storage, owned by this test (disposed after it when disposable).</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public async Task Unknown_device_has_upTo_zero_and_no_sequence()
    {
        Assert.Equal(0, await Store.GetAckedUpToAsync("nobody", CancellationToken.None));
        Assert.Empty(await Store.ListSequencesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Append_returns_the_highest_contiguous_seq_per_device()
    {
        var upTo = await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 3), Rating(3, 1)));

        Assert.Equal(3, upTo["dev-a"]);
        Assert.Equal(3, await Store.GetAckedUpToAsync("dev-a", CancellationToken.None));
    }

    [Fact]
    public async Task Same_seq_twice_in_one_batch_is_stored_once()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(1, 4), Rating(2, 2)));

        var sequence = await SequenceAsync("dev-a");
        Assert.Equal(2, sequence.Stored);
        Assert.Equal(2, sequence.UpTo);
        Assert.Equal(2, (await CountAsync(new RatingFilter())).Total);
    }

    [Fact]
    public async Task Batch_delivered_twice_is_stored_once_and_answers_the_same_upTo()
    {
        var batch = Batch("dev-a", Rating(1, 4), Rating(2, 3));

        var first = await AppendAsync(batch);
        var second = await AppendAsync(batch);

        Assert.Equal(2, first["dev-a"]);
        Assert.Equal(2, second["dev-a"]);
        Assert.Equal(2, (await SequenceAsync("dev-a")).Stored);
        Assert.Equal(2, (await CountAsync(new RatingFilter())).Total);
    }

    [Fact]
    public async Task Same_batch_twice_in_one_append_is_stored_once()
    {
        var batch = Batch("dev-a", Rating(1, 4), Rating(2, 3));

        var upTo = await Store.AppendAsync([batch, batch], Now, CancellationToken.None);

        Assert.Equal(2, upTo["dev-a"]);
        Assert.Equal(2, (await SequenceAsync("dev-a")).Stored);
    }

    [Fact]
    public async Task Stored_event_is_never_overwritten_by_a_redelivery()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4)));
        await AppendAsync(Batch("dev-a", Rating(1, 1)));

        var counts = await CountAsync(new RatingFilter());
        Assert.Equal(1, counts.Total);
        Assert.Equal(1, counts.ByLevel[4]);
        Assert.False(counts.ByLevel.ContainsKey(1));
    }

    [Fact]
    public async Task UpTo_stops_at_the_first_gap_and_jumps_when_the_gap_is_filled()
    {
        var withGap = await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 4), Rating(5, 4), Rating(6, 4)));

        Assert.Equal(2, withGap["dev-a"]);
        var gapped = await SequenceAsync("dev-a");
        Assert.Equal((2L, 6L, 4L, 2L), (gapped.UpTo, gapped.MaxSeq, gapped.Stored, gapped.Missing));

        var halfFilled = await AppendAsync(Batch("dev-a", Rating(4, 4)));
        Assert.Equal(2, halfFilled["dev-a"]);
        Assert.Equal(1, (await SequenceAsync("dev-a")).Missing);

        var filled = await AppendAsync(Batch("dev-a", Rating(3, 4)));
        Assert.Equal(6, filled["dev-a"]);
        var complete = await SequenceAsync("dev-a");
        Assert.Equal((6L, 6L, 6L, 0L), (complete.UpTo, complete.MaxSeq, complete.Stored, complete.Missing));
    }

    [Fact]
    public async Task Events_arriving_in_reverse_order_end_contiguous()
    {
        foreach (var seq in Enumerable.Range(1, 10).Reverse())
        {
            await AppendAsync(Batch("dev-a", Rating(seq, 3)));
        }

        var sequence = await SequenceAsync("dev-a");
        Assert.Equal((10L, 10L, 0L), (sequence.UpTo, sequence.Stored, sequence.Missing));
    }

    [Fact]
    public async Task Several_devices_in_one_append_each_get_their_own_upTo()
    {
        var upTo = await Store.AppendAsync(
            [
                Batch("dev-a", Rating(1, 4), Rating(2, 4)),
                Batch("dev-b", Rating(1, 1), Rating(3, 1)),
                Batch("dev-c", Rating(1, 2), Rating(2, 2), Rating(3, 2)),
                Batch("dev-a", Rating(3, 4)),
            ],
            Now,
            CancellationToken.None);

        Assert.Equal(3, upTo["dev-a"]);
        Assert.Equal(1, upTo["dev-b"]);
        Assert.Equal(3, upTo["dev-c"]);
        var sequences = await Store.ListSequencesAsync(CancellationToken.None);
        Assert.Equal(["dev-a", "dev-b", "dev-c"], sequences.Select(s => s.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal(1, sequences.Single(s => s.DeviceId == "dev-b").Missing);
    }

    [Fact]
    public async Task Empty_batch_answers_the_current_upTo_without_registering_the_device()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 4)));

        var upTo = await Store.AppendAsync([Batch("dev-a"), Batch("dev-new")], Now, CancellationToken.None);

        Assert.Equal(2, upTo["dev-a"]);
        Assert.Equal(0, upTo["dev-new"]);
        Assert.Equal(["dev-a"], (await Store.ListSequencesAsync(CancellationToken.None)).Select(s => s.DeviceId));
    }

    [Fact]
    public async Task Sequence_records_when_the_device_was_last_received()
    {
        await Store.AppendAsync([Batch("dev-a", Rating(1, 4))], Now, CancellationToken.None);
        await Store.AppendAsync([Batch("dev-a", Rating(2, 4))], Now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(Now.AddMinutes(5), (await SequenceAsync("dev-a")).LastReceivedAt);
    }

    [Fact]
    public async Task Dropped_markers_fill_the_sequence_and_are_counted()
    {
        var upTo = await AppendAsync(Batch("dev-a", Rating(1, 4), Event(2, EventKinds.Dropped), Event(3, EventKinds.Dropped), Rating(4, 3)));

        Assert.Equal(4, upTo["dev-a"]);
        var sequence = await SequenceAsync("dev-a");
        Assert.Equal((2L, 4L, 0L), (sequence.Dropped, sequence.Stored, sequence.Missing));
        Assert.Equal(2, (await CountAsync(new RatingFilter())).Total);
    }

    [Fact]
    public async Task Redelivered_dropped_marker_is_counted_once()
    {
        await AppendAsync(Batch("dev-a", Event(1, EventKinds.Dropped)));
        await AppendAsync(Batch("dev-a", Event(1, EventKinds.Dropped)));

        Assert.Equal(1, (await SequenceAsync("dev-a")).Dropped);
    }

    [Fact]
    public async Task Only_rating_events_are_counted_as_ratings()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Event(2, EventKinds.TicketIssued), Event(3, EventKinds.HealthSample), Event(4, EventKinds.Peripheral)));

        Assert.Equal(1, (await CountAsync(new RatingFilter())).Total);
        Assert.Equal(4, (await SequenceAsync("dev-a")).Stored);
    }

    [Fact]
    public async Task Ratings_are_counted_per_level_with_the_satisfaction_index()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 4), Rating(3, 3), Rating(4, 2), Rating(5, 1), Rating(6, 1), Rating(7, 4), Rating(8, 3)));

        var counts = await CountAsync(new RatingFilter());

        Assert.Equal(8, counts.Total);
        Assert.Equal(3, counts.ByLevel[4]);
        Assert.Equal(2, counts.ByLevel[3]);
        Assert.Equal(1, counts.ByLevel[2]);
        Assert.Equal(2, counts.ByLevel[1]);
        Assert.Equal(5, counts.Satisfied);
        Assert.Equal(5.0 / 8, counts.Index);
    }

    [Fact]
    public async Task No_ratings_means_no_index()
    {
        var counts = await CountAsync(new RatingFilter());

        Assert.Equal(0, counts.Total);
        Assert.Null(counts.Index);
    }

    [Fact]
    public async Task Satisfaction_follows_the_scale_the_rating_was_given_on()
    {
        // Five levels: 4 and 5 satisfied. Two levels: only 2. No scale sent: the default four levels.
        await AppendAsync(Batch(
            "dev-a",
            Rating(1, 5, scale: 5),
            Rating(2, 4, scale: 5),
            Rating(3, 3, scale: 5),
            Rating(4, 2, scale: 2),
            Rating(5, 1, scale: 2),
            Rating(6, 3, scale: null)));

        var counts = await CountAsync(new RatingFilter());

        Assert.Equal(6, counts.Total);
        Assert.Equal(4, counts.Satisfied);
        Assert.Equal(1, counts.ByLevel[5]);
    }

    [Fact]
    public async Task Suspect_ratings_are_stored_but_not_counted()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 1, suspect: true), Rating(3, 1, suspect: false)));

        var counts = await CountAsync(new RatingFilter());

        Assert.Equal(2, counts.Total);
        Assert.Equal(1, counts.ByLevel[1]);
        Assert.Equal(3, (await SequenceAsync("dev-a")).Stored);
    }

    [Fact]
    public async Task Ratings_filter_by_counter_field_and_device()
    {
        await AppendAsync(
            Batch("dev-a", Rating(1, 4, counter: "c1", field: "land"), Rating(2, 1, counter: "c1", field: "justice")),
            Batch("dev-b", Rating(1, 3, counter: "c2", field: "land"), Rating(2, 2, counter: "c2", field: "land")));

        Assert.Equal(2, (await CountAsync(new RatingFilter(Counter: "c1"))).Total);
        Assert.Equal(3, (await CountAsync(new RatingFilter(Field: "land"))).Total);
        Assert.Equal(2, (await CountAsync(new RatingFilter(DeviceId: "dev-b"))).Total);
        var c2Land = await CountAsync(new RatingFilter(Counter: "c2", Field: "land", DeviceId: "dev-b"));
        Assert.Equal((2L, 1L), (c2Land.Total, c2Land.Satisfied));
        Assert.Equal(0, (await CountAsync(new RatingFilter(Counter: "c9"))).Total);
    }

    [Fact]
    public async Task Ratings_filter_by_a_half_open_time_range_on_the_event_time()
    {
        await AppendAsync(Batch(
            "dev-a",
            Rating(1, 4, at: Now.AddHours(-1)),
            Rating(2, 4, at: Now),
            Rating(3, 4, at: Now.AddMinutes(30)),
            Rating(4, 4, at: Now.AddHours(1))));

        Assert.Equal(2, (await CountAsync(new RatingFilter(From: Now, To: Now.AddHours(1)))).Total);
        Assert.Equal(3, (await CountAsync(new RatingFilter(From: Now))).Total);
        Assert.Equal(1, (await CountAsync(new RatingFilter(To: Now))).Total);
        Assert.Equal(1, (await CountAsync(new RatingFilter(From: Now.AddHours(1).ToOffset(TimeSpan.FromHours(7))))).Total);
    }

    [Fact]
    public async Task Concurrent_appends_store_every_event_once()
    {
        const int devices = 4;
        const int perDevice = 100;
        var appends = Enumerable.Range(0, devices).SelectMany(d => Enumerable.Range(0, perDevice / 10).Select(i =>
            Task.Run(() => Store.AppendAsync(
                [Batch($"dev-{d}", Enumerable.Range(1 + (i * 10), 10).Select(s => Rating(s, 1 + (s % 4))).ToArray())],
                Now,
                CancellationToken.None))));

        await Task.WhenAll(appends);

        var sequences = await Store.ListSequencesAsync(CancellationToken.None);
        Assert.Equal(devices, sequences.Count);
        Assert.All(sequences, s => Assert.Equal((perDevice, perDevice, 0L), (s.UpTo, s.Stored, s.Missing)));
        Assert.Equal(devices * perDevice, (await CountAsync(new RatingFilter())).Total);
    }

    [Fact]
    public async Task Ratings_stamped_by_an_unsynchronised_clock_are_placed_in_time_by_an_anchor_of_their_run()
    {
        // A Pi booted after a power cut believes it is 2020; its ratings at uptime 10 s and 70 s of run r1.
        var wrong = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AppendAsync(Batch("dev-a",
            Unsynced(Rating(1, 4, at: wrong), "r1", 10_000),
            Unsynced(Rating(2, 1, at: wrong.AddMinutes(1)), "r1", 70_000),
            Unsynced(Rating(3, 2, at: wrong), "r0", 5_000),
            Rating(4, 3)));
        Assert.Equal(3, (await CountAsync(Window(wrong, TimeSpan.FromMinutes(2)))).Total);

        // A heartbeat of run r1 at uptime 100 s arrived at 09:00:00: the ratings happened at 08:58:30 and 08:59:30.
        var moved = await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 100_000, Exact: false), CancellationToken.None);

        Assert.Equal(2, moved);
        Assert.Equal(1, (await CountAsync(Window(wrong, TimeSpan.FromMinutes(2)))).Total);
        var placed = await CountAsync(Window(Now.AddSeconds(-90), TimeSpan.FromSeconds(61)));
        Assert.Equal(2, placed.Total);
        Assert.Equal(1, placed.ByLevel[4]);
        Assert.Equal(1, placed.ByLevel[1]);
        Assert.Equal(1, (await CountAsync(Window(Now.AddSeconds(-90), TimeSpan.FromSeconds(1)))).Total);

        // Run r0 is untouched (still at its wrong time), and so is the rating of a synchronised clock.
        Assert.Equal(1, (await CountAsync(Window(wrong, TimeSpan.FromSeconds(1)))).Total);
        Assert.Equal(1, (await CountAsync(Window(Now, TimeSpan.FromSeconds(1)))).Total);

        // Another estimate does not move what an estimate placed; an exact anchor does, once.
        Assert.Equal(0, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now.AddSeconds(5), 100_000, Exact: false), CancellationToken.None));
        Assert.Equal(2, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now.AddSeconds(2), 100_000, Exact: true), CancellationToken.None));
        Assert.Equal(0, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now.AddHours(1), 100_000, Exact: true), CancellationToken.None));
        Assert.Equal(2, (await CountAsync(Window(Now.AddSeconds(-88), TimeSpan.FromSeconds(61)))).Total);
        Assert.Equal(1, (await CountAsync(Window(Now.AddSeconds(-88), TimeSpan.FromSeconds(1)))).Total);
    }

    [Fact]
    public async Task Ratings_arriving_after_an_anchor_are_placed_by_the_next_one_and_other_devices_are_untouched()
    {
        var wrong = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(0, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 100_000, Exact: true), CancellationToken.None));
        await AppendAsync(
            Batch("dev-a", Unsynced(Rating(1, 4, at: wrong), "r1", 40_000)),
            Batch("dev-b", Unsynced(Rating(1, 4, at: wrong), "r1", 40_000)));

        Assert.Equal(1, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 100_000, Exact: true), CancellationToken.None));

        Assert.Equal(1, (await CountAsync(Window(Now.AddSeconds(-60), TimeSpan.FromSeconds(1)) with { DeviceId = "dev-a" })).Total);
        Assert.Equal(1, (await CountAsync(Window(wrong, TimeSpan.FromSeconds(1)) with { DeviceId = "dev-b" })).Total);
    }

    [Fact]
    public async Task Over_long_strings_in_one_devices_batch_do_not_fail_another_devices_batch_in_the_same_append()
    {
        var huge = new string('x', 5000);
        var hostile = Rating(1, 4, counter: huge, field: huge) with { Run = huge, ClockSynced = false, Ticket = huge, Subject = huge, State = huge, Detail = huge };

        var upTo = await AppendAsync(Batch("dev-evil", hostile), Batch("dev-good", Rating(1, 3)));

        Assert.Equal(1, upTo["dev-evil"]);
        Assert.Equal(1, upTo["dev-good"]);
        Assert.Equal(1, (await CountAsync(new RatingFilter(DeviceId: "dev-good"))).Total);
        Assert.Equal(1, (await CountAsync(new RatingFilter(Counter: StorableEvent.Cap(huge, StorableEvent.MaxKeyBytes)))).Total);
        Assert.Equal(1, await Store.PlaceInTimeAsync(new ClockAnchor("dev-evil", StorableEvent.Cap(huge, StorableEvent.MaxKeyBytes)!, Now, 1000, Exact: true), CancellationToken.None));
    }

    [Fact]
    public async Task Extreme_uptimes_are_stored_without_overflow_and_placed_in_time()
    {
        var wrong = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AppendAsync(Batch("dev-a",
            Unsynced(Rating(1, 4, at: wrong), "r1", long.MaxValue),
            Unsynced(Rating(2, 3, at: wrong), "r1", long.MinValue),
            Unsynced(Rating(3, 2, at: wrong), "r1", 5_000)));

        Assert.Equal(3, await Store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, long.MaxValue, Exact: true), CancellationToken.None));
        Assert.Equal(3, (await CountAsync(new RatingFilter(DeviceId: "dev-a"))).Total);
        Assert.Equal(3, (await SequenceAsync("dev-a")).UpTo);
    }

    [Fact]
    public async Task Conflicting_duplicate_is_recorded_once_and_the_stored_copy_is_kept()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 4)));

        await AppendAsync(Batch("dev-a", Rating(1, 1)));
        await AppendAsync(Batch("dev-a", Rating(1, 1), Rating(2, 4)));
        await AppendAsync(Batch("dev-a", Rating(1, 4)));

        var conflict = Assert.Single(await Store.ListConflictsAsync(null, CancellationToken.None));
        Assert.Equal(("dev-a", 1L), (conflict.DeviceId, conflict.Seq));
        Assert.Equal(EventFingerprint.Of(Rating(1, 4)), conflict.StoredHash);
        Assert.Equal(EventFingerprint.Of(Rating(1, 1)), conflict.NewHash);
        var counts = await CountAsync(new RatingFilter());
        Assert.Equal(2, counts.ByLevel[4]);
        Assert.False(counts.ByLevel.ContainsKey(1));
        Assert.Empty(await Store.ListConflictsAsync("dev-b", CancellationToken.None));
    }

    [Fact]
    public async Task Conflicting_copies_within_one_append_are_recorded_and_the_first_is_kept()
    {
        await Store.AppendAsync([Batch("dev-b", Rating(1, 4)), Batch("dev-b", Rating(1, 2)), Batch("dev-c", Rating(1, 3))], Now, CancellationToken.None);

        var conflict = Assert.Single(await Store.ListConflictsAsync(null, CancellationToken.None));
        Assert.Equal(("dev-b", 1L), (conflict.DeviceId, conflict.Seq));
        Assert.Equal(1, (await CountAsync(new RatingFilter(DeviceId: "dev-b"))).ByLevel[4]);
    }

    [Fact]
    public async Task A_redelivery_with_another_counter_is_not_a_conflict()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4, counter: "c1")));
        await AppendAsync(Batch("dev-a", Rating(1, 4, counter: "c2")));

        Assert.Empty(await Store.ListConflictsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Hostile_levels_are_refused_by_vetting_stored_as_markers_and_not_counted()
    {
        var sent = Batch("dev-a", Rating(1, 0), Rating(2, -1), Rating(3, 99), Rating(4, int.MinValue), Rating(5, 4), Rating(6, 5, scale: 5), Rating(7, 3, scale: 99));

        var vetted = EventVetting.Vet(sent, null);
        var upTo = await AppendAsync(vetted.Batch);

        Assert.Equal(7, upTo["dev-a"]);
        Assert.Equal([1L, 2, 3, 4, 7], vetted.Rejected.Select(r => r.Seq));
        var counts = await CountAsync(new RatingFilter());
        Assert.Equal(2, counts.Total);
        Assert.Equal([4, 5], counts.ByLevel.Keys.Order());
        Assert.Equal(7, (await SequenceAsync("dev-a")).Stored);
    }

    [Fact]
    public async Task Ratings_are_counted_at_the_registrys_counter_not_the_payloads()
    {
        var sent = Batch("dev-a", Rating(1, 4, counter: "someone-elses"), Rating(2, 1, counter: "someone-elses"));

        await AppendAsync(EventVetting.Vet(sent, new DeviceAssignment("c7")).Batch, EventVetting.Vet(Batch("dev-open", Rating(1, 3, counter: "own")), null).Batch);

        Assert.Equal(2, (await CountAsync(new RatingFilter(Counter: "c7"))).Total);
        Assert.Equal(0, (await CountAsync(new RatingFilter(Counter: "someone-elses"))).Total);
        Assert.Equal(1, (await CountAsync(new RatingFilter(Counter: "own"))).Total);
    }

    [Fact]
    public async Task Events_read_back_after_a_seq_come_in_seq_order_as_stored_and_no_more_than_asked()
    {
        await AppendAsync(
            Batch("dev-a", Rating(3, 2, field: "f"), Rating(1, 4), Event(2, EventKinds.TicketIssued) with { Ticket = "A001" }, Rating(4, 1)),
            Batch("dev-a0", Rating(1, 3)));

        var all = await Store.ReadEventsAsync("dev-a", 0, 10, CancellationToken.None);
        Assert.Equal([1L, 2, 3, 4], all.Select(e => e.Seq));
        Assert.Equal((EventKinds.TicketIssued, "A001"), (all[1].Kind, all[1].Ticket));
        Assert.Equal((4, "c1", (string?)null, Now), (all[0].Level!.Value, all[0].Counter!, all[0].Field, all[0].At));
        Assert.Equal("f", all[2].Field);

        Assert.Equal([2L, 3], (await Store.ReadEventsAsync("dev-a", 1, 2, CancellationToken.None)).Select(e => e.Seq));
        Assert.Empty(await Store.ReadEventsAsync("dev-a", 4, 10, CancellationToken.None));
        Assert.Empty(await Store.ReadEventsAsync("nobody", 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Counters_that_differ_only_in_case_are_counted_apart()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4, counter: "Desk"), Rating(2, 1, counter: "desk"), Rating(3, 2, counter: "desk")));

        Assert.Equal(2, (await CountAsync(new RatingFilter(Counter: "desk"))).Total);
        Assert.Equal(1, (await CountAsync(new RatingFilter(Counter: "Desk"))).Total);
    }

    private static DeviceEvent Unsynced(DeviceEvent rating, string run, long uptimeMs) =>
        rating with { Run = run, UptimeMs = uptimeMs, ClockSynced = false };

    private static RatingFilter Window(DateTimeOffset from, TimeSpan length) => new(From: from, To: from + length);

    protected static EventBatch Batch(string device, params DeviceEvent[] events) => new(device, events);

    protected internal static DeviceEvent Rating(
        long seq, int level, string counter = "c1", string? field = null, bool suspect = false, int? scale = 4, DateTimeOffset? at = null) => new()
    {
        Seq = seq,
        Kind = EventKinds.Rating,
        At = at ?? Now,
        UptimeMs = seq * 1000,
        Counter = counter,
        Field = field,
        Level = level,
        Scale = scale,
        Suspect = suspect,
    };

    protected static DeviceEvent Event(long seq, string kind) => new()
    {
        Seq = seq,
        Kind = kind,
        At = Now,
        UptimeMs = seq * 1000,
    };

    protected Task<IReadOnlyDictionary<string, long>> AppendAsync(params EventBatch[] batches) =>
        Store.AppendAsync(batches, Now, CancellationToken.None);

    protected async Task<DeviceSequence> SequenceAsync(string device) =>
        (await Store.ListSequencesAsync(CancellationToken.None)).Single(s => s.DeviceId == device);

    protected Task<RatingCounts> CountAsync(RatingFilter filter) => Store.CountRatingsAsync(filter, CancellationToken.None);
}
