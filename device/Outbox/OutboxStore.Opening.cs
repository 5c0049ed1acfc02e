using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Device.Outbox;

/// <summary>Opening the file: damaged → quarantined and replaced; missing → replaced and, when it held events, an alarm.</summary>
public sealed partial class OutboxStore
{
    private readonly ReopenBackoff _reopen;

    // What a fresh outbox must still record once it can be written (kept in memory while the disk refuses).
    private FreshStart? _pendingFresh;

    /// <summary>Opens the file if it is closed and the backoff allows; true when it is open.</summary>
    private bool ReopenIfDue()
    {
        if (_file is not null)
        {
            return true;
        }

        if (!_reopen.Due())
        {
            return false;
        }

        if (!TryOpen())
        {
            return false;
        }

        // A file that opens may still refuse writes (reading needs no space): prove it with a durable write.
        try
        {
            var file = _file!;
            LiteFile.CommitDurably(file.Db, () => file.Meta.Upsert(StateDocument(Volatile.Read(ref _nextSeq), Volatile.Read(ref _dropped), _awaitingFleetSeq)));
            _faults.Clear(StorageFaultNames.Disk);
            ApplyKeptAck();
            _changed.Signal();
            return true;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            CloseAfterFault(ex);
            return false;
        }
    }

    /// <summary>Opens (or replaces) the file; false, with the <c>disk</c> fault raised, when the disk refuses.</summary>
    private bool TryOpen()
    {
        OpenOutbox? file = null;
        try
        {
            var journalMissing = !File.Exists(_journalPath);
            var journal = ReadJournal();
            var fresh = _pendingFresh;
            if (fresh is null)
            {
                (file, fresh) = CheckFile(journal);
            }

            if (fresh is not null)
            {
                _pendingFresh = fresh;
                file = new OpenOutbox(_opener.Open(_path, EventsCollection, MetaCollection, SalvagedCollection));
                StartFresh(file, fresh);
                _pendingFresh = null;
                LoadState(file);
            }
            else if (ReplayJournal(file!, journal, journalMissing))
            {
                LoadState(file!);
            }

            MarkJournalEra(file!);

            // Everything the journal held is in LiteDB now: it starts empty (a damaged one is kept aside first).
            file!.Journal = OpenJournal(journal);
            lock (_journalLock)
            {
                _journaled.Clear();
            }

            _pendingJournalAck = -1;
            _file = file;
            _reopen.Reset();
            return true;
        }
        catch (Exception ex) when (IsDiskFault(ex))
        {
            file?.Dispose();
            _file = null;
            _reopen.Failed();
            _faults.Raise(StorageFaultNames.Disk, $"the outbox cannot open or write its file: {ex.Message}");
            _logger.LogError("Outbox {Path} unavailable, retrying in {Delay}: {Error}", _path, _reopen.Current, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Looks at the file before trusting it: either the existing file, opened and read whole, or what a fresh outbox
    /// must record when the file must be replaced (a damaged file has then been moved aside).
    /// </summary>
    private (OpenOutbox? Existing, FreshStart? Fresh) CheckFile(JournalContents journal)
    {
        var highWater = Max(_highWater.Read(), journal.MaxSeq);
        if (!File.Exists(_path))
        {
            // A log without its data file would be replayed into the new file and break it: move it aside, salvage it.
            IReadOnlyList<DeviceEvent> fromLog = [];
            var orphan = LiteFile.LogFileOf(_path);
            if (File.Exists(orphan))
            {
                var movedLog = OutboxQuarantine.MoveAside(orphan, DateTimeOffset.UtcNow);
                fromLog = SalvageFrom(movedLog);
                _logger.LogCritical("Outbox {Path} missing; its log moved aside as {Log}, {Count} events salvaged", _path, movedLog, fromLog.Count);
            }

            // No file and no mark: a first start (or the whole data folder is gone: the fleet's first ack tells).
            var found = WithJournal(fromLog, journal);
            return (null, highWater is > 0 || found.Count > 0
                ? new FreshStart(found, $"outbox.db was missing (this device had numbered events up to at most {highWater ?? 0}); {found.Count} events salvaged from its log and journal", highWater ?? 0)
                : new FreshStart([], null, 0));
        }

        string damage;
        if (new FileInfo(_path).Length == 0)
        {
            // LiteDB would silently start an empty database in it; an outbox file is never empty once created.
            damage = "the file was empty (0 bytes)";
        }
        else
        {
            OpenOutbox? existing = null;
            try
            {
                existing = new OpenOutbox(_opener.Open(_path, EventsCollection, MetaCollection, SalvagedCollection));
                LoadState(existing);
                return (existing, null);
            }
            catch (Exception ex) when (!IsDiskFault(ex))
            {
                existing?.Dispose();
                damage = $"{ex.GetType().Name}: {ex.Message}";
            }
            catch
            {
                existing?.Dispose();
                throw;
            }
        }

        var moved = OutboxQuarantine.MoveAside(_path, DateTimeOffset.UtcNow);
        var salvaged = WithJournal(SalvageFrom(moved), journal);
        var reason = $"outbox.db was damaged ({damage}); moved aside as {Path.GetFileName(moved)}; {salvaged.Count} events salvaged from it and its journal";
        _logger.LogCritical("Outbox {Path} damaged: {Reason}", _path, reason);
        return (null, new FreshStart(salvaged, reason, highWater ?? 0));
    }

    private static long? Max(long? mark, long journalMax) => journalMax > 0 ? Math.Max(mark ?? 0, journalMax) : mark;

    /// <summary>Salvaged events with the journal's unacknowledged ones (the journal's copy of a seq wins).</summary>
    private static IReadOnlyList<DeviceEvent> WithJournal(IReadOnlyList<DeviceEvent> salvaged, JournalContents journal)
    {
        var bySeq = salvaged.ToDictionary(e => e.Seq);
        foreach (var evt in journal.Events.Where(e => e.Seq > journal.AckedThrough))
        {
            if (System.Text.Json.JsonSerializer.Deserialize(evt.Json, WireJson.Default.DeviceEvent) is { } parsed)
            {
                bySeq[evt.Seq] = parsed with { Seq = evt.Seq };
            }
        }

        return bySeq.Values.OrderBy(e => e.Seq).ToList();
    }

    /// <summary>The journal's good records (read whole; it is small), with a torn tail and damage counted and logged.</summary>
    private JournalContents ReadJournal()
    {
        if (!File.Exists(_journalPath))
        {
            return JournalContents.Empty;
        }

        var contents = OutboxJournal.Read(File.ReadAllBytes(_journalPath));
        if (contents.TornTailBytes > 0)
        {
            Interlocked.Add(ref _journalTornBytes, contents.TornTailBytes);
            _logger.LogWarning(
                "Outbox journal {Path}: a torn last record ({Bytes} bytes, a write cut before its fsync) was cut off after {Good} good bytes",
                _journalPath, contents.TornTailBytes, contents.GoodLength);
        }

        if (contents.DamagedRecords > 0)
        {
            Interlocked.Add(ref _journalDamagedRecords, contents.DamagedRecords);
            _logger.LogCritical(
                "Outbox journal {Path}: {Records} damaged records ({Bytes} bytes) with good records after them",
                _journalPath, contents.DamagedRecords, contents.DamagedBytes);
        }

        return contents;
    }

    /// <summary>
    /// Moves the journal's unacknowledged events into a trusted file in one durable commit, and numbering past every
    /// seq the journal used. Events LiteDB already has (a move whose emptying of the journal was cut) are skipped.
    /// Damage in the middle of the journal: seqs it hid above the acknowledged ones become "lost" markers, counted
    /// in the <c>storage-corrupt</c> alarm. True when it changed the file.
    /// </summary>
    private bool ReplayJournal(OpenOutbox file, JournalContents journal, bool journalMissing)
    {
        var state = file.Meta.FindById(StateId);
        var awaiting = state is not null && state.TryGetValue("awaitingFleetSeq", out var flag) && flag.IsBoolean && flag.AsBoolean;
        if (journalMissing && state is not null && !awaiting)
        {
            // A version before the journal committed every press into LiteDB: nothing can be missing, the journal
            // simply starts (and the open's state write marks the file as kept with a journal from now on).
            if (!KeptWithJournal(state))
            {
                _logger.LogInformation("Outbox {Path}: kept by a version before the journal; the journal starts now", _path);
                return false; // MarkJournalEra flags the file before the journal opens
            }

            return JournalLost(file, state);
        }

        if (journal.Events.Count == 0 && journal.AckedThrough == 0 && journal.DamagedRecords == 0)
        {
            return false;
        }

        var metaNext = state?["nextSeq"].AsInt64 ?? 1;
        var minRow = file.Events.FindOne(Query.All("_id", Query.Ascending));
        var maxRow = file.Events.FindOne(Query.All("_id", Query.Descending));
        var floor = Math.Max(journal.AckedThrough, minRow is null ? metaNext - 1 : minRow["_id"].AsInt64 - 1);
        var bySeq = new SortedDictionary<long, JournalEvent>();
        foreach (var evt in journal.Events.Where(e => e.Seq > floor))
        {
            bySeq[evt.Seq] = evt;
        }

        var rows = bySeq.Values.Where(e => file.Events.FindById(e.Seq) is null).Select(e => Row(e.Seq, e.Kind, e.Json, e.EnqueuedUtc)).ToList();
        var now = DateTime.UtcNow;
        long lost = 0;
        if (journal.DamagedRecords > 0)
        {
            for (var seq = floor + 1; seq <= journal.MaxSeq; seq++)
            {
                if (!bySeq.ContainsKey(seq) && file.Events.FindById(seq) is null)
                {
                    rows.Add(Row(seq, EventKinds.Dropped, System.Text.Json.JsonSerializer.Serialize(LostMarker(seq), WireJson.Default.DeviceEvent), now));
                    lost++;
                }
            }
        }

        var next = Math.Max(Math.Max(metaNext, journal.MaxSeq + 1), (maxRow?["_id"].AsInt64 ?? 0) + 1);
        LiteFile.CommitDurably(file.Db, () =>
        {
            _highWater.Cover(next - 1);
            if (rows.Count > 0)
            {
                file.Events.Upsert(rows);
            }

            if (state is null || awaiting)
            {
                return true;
            }

            state["nextSeq"] = next;
            return file.Meta.Upsert(state);
        });

        _logger.LogInformation(
            "Outbox journal replayed: {Moved} events moved into {Path} ({Lost} seqs marked lost), next seq {Next}", rows.Count - lost, _path, lost, next);
        if (journal.DamagedRecords > 0)
        {
            _faults.Raise(
                StorageFaultNames.StorageCorrupt,
                $"outbox.journal was damaged ({journal.DamagedRecords} unreadable records, {journal.DamagedBytes} bytes); kept aside; {rows.Count - lost} events recovered, {lost} seqs marked lost");
        }

        return true;
    }

    /// <summary>
    /// A trusted file whose journal is gone (deleted or lost; a version before the journal is told apart by the
    /// state row's journal flag and never comes here): events numbered since the last
    /// move into LiteDB may be lost, and their seqs must not be used again (the fleet may hold them). Every seq between
    /// LiteDB's numbering and the seq mark becomes a "lost or never used" marker, with the <c>storage-corrupt</c> alarm.
    /// </summary>
    private bool JournalLost(OpenOutbox file, BsonDocument state)
    {
        var maxRow = file.Events.FindOne(Query.All("_id", Query.Descending));
        var next = Math.Max(state["nextSeq"].AsInt64, (maxRow?["_id"].AsInt64 ?? 0) + 1);
        var mark = _highWater.Read() ?? 0;
        if (mark < next)
        {
            return false;
        }

        var now = DateTime.UtcNow;
        var rows = new List<BsonDocument>();
        for (var seq = next; seq <= mark; seq++)
        {
            rows.Add(Row(seq, EventKinds.Dropped, System.Text.Json.JsonSerializer.Serialize(LostMarker(seq), WireJson.Default.DeviceEvent), now));
        }

        LiteFile.CommitDurably(file.Db, () =>
        {
            file.Events.Upsert(rows);
            state["nextSeq"] = mark + 1;
            return file.Meta.Upsert(state);
        });

        var outcome = $"outbox.journal was missing; seqs {next}..{mark} (up to the seq mark) marked lost or never used";
        _logger.LogCritical("Outbox {Path}: {Outcome}", _path, outcome);
        _faults.Raise(StorageFaultNames.StorageCorrupt, outcome);
        return true;
    }

    private static bool KeptWithJournal(BsonDocument state) =>
        state.TryGetValue(JournalEraField, out var era) && era.IsBoolean && era.AsBoolean;

    /// <summary>
    /// Flags the state row as kept with a journal (once: after an upgrade from a version before the journal), durably
    /// and before the journal opens, so that from now on a missing journal is told apart from an upgrade.
    /// </summary>
    private static void MarkJournalEra(OpenOutbox file)
    {
        var state = file.Meta.FindById(StateId);
        if (state is null || KeptWithJournal(state))
        {
            return;
        }

        state[JournalEraField] = true;
        LiteFile.CommitDurably(file.Db, () => file.Meta.Upsert(state));
    }

    /// <summary>Opens the journal empty (a new generation): a damaged one is moved aside first (never deleted).</summary>
    private OutboxJournal OpenJournal(JournalContents read)
    {
        if (read.DamagedRecords > 0 && File.Exists(_journalPath))
        {
            var moved = OutboxQuarantine.MoveAside(_journalPath, DateTimeOffset.UtcNow);
            _logger.LogCritical("Outbox journal with damaged records moved aside as {Moved}", moved);
        }

        var stream = _opener.OpenJournal(_journalPath);
        try
        {
            return new OutboxJournal(stream, read);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private IReadOnlyList<DeviceEvent> SalvageFrom(string moved)
    {
        try
        {
            return OutboxSalvage.Read(moved, moved + "-log");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            _logger.LogError("Could not salvage events from {File}: {Error}", moved, ex.Message);
            return [];
        }
    }

    /// <summary>Records a fresh outbox: awaiting the fleet's numbering, with the salvaged events set apart.</summary>
    private void StartFresh(OpenOutbox file, FreshStart fresh)
    {
        _fresh = fresh;
        LiteFile.CommitDurably(file.Db, () =>
        {
            file.Meta.Upsert(StateDocument(1, 0, awaiting: true));
            foreach (var evt in fresh.Salvaged)
            {
                file.Salvaged.Upsert(new BsonDocument
                {
                    ["_id"] = evt.Seq,
                    ["json"] = System.Text.Json.JsonSerializer.Serialize(evt, WireJson.Default.DeviceEvent),
                });
            }

            return true;
        });
    }

    private void LoadState(OpenOutbox file)
    {
        var state = file.Meta.FindById(StateId);
        var maxRow = file.Events.FindOne(Query.All("_id", Query.Descending));
        var minRow = file.Events.FindOne(Query.All("_id", Query.Ascending));
        var metaNext = state?["nextSeq"].AsInt64 ?? 1;
        var next = Math.Max(metaNext, (maxRow?["_id"].AsInt64 ?? 0) + 1);
        long bytes = 0, depth = 0;
        _rows.Clear();
        foreach (var doc in file.Events.FindAll())
        {
            // Reads every row, so a damaged page shows here, at open, not at the first send.
            var length = doc["json"].AsString.Length;
            _rows.Set(doc["_id"].AsInt64, length);
            bytes += length;
            depth++;
        }

        // A state written by this version says whether the numbering is final; a file without any state was never
        // used, so waiting for the fleet costs nothing; an older version's state means numbered and trusted.
        var awaiting = state is null || (state.TryGetValue("awaitingFleetSeq", out var flag) && flag.IsBoolean && flag.AsBoolean);
        var reason = state is not null && state.TryGetValue("reason", out var r) && r.IsString ? r.AsString : null;
        var floor = state is not null && state.TryGetValue("floor", out var f) && f.IsNumber ? f.AsInt64 : 0;
        _fresh = new FreshStart([], awaiting ? reason : null, awaiting ? floor : 0);
        if (awaiting && reason is not null)
        {
            _faults.Raise(StorageFaultNames.StorageCorrupt, reason + "; new events wait for the fleet's ack to be numbered");
        }

        Volatile.Write(ref _nextSeq, next);
        Volatile.Write(ref _lastAcked, minRow is null ? next - 1 : minRow["_id"].AsInt64 - 1);
        Volatile.Write(ref _dropped, state?["dropped"].AsInt64 ?? 0);
        Volatile.Write(ref _depth, depth);
        Volatile.Write(ref _bytes, bytes);
        Volatile.Write(ref _oldestEnqueuedTicks, minRow is null ? 0 : minRow["enqueued"].AsDateTime.ToUniversalTime().Ticks);
        Volatile.Write(ref _salvaged, file.Salvaged.Count());
        _awaitingFleetSeq = awaiting;
        _logger.LogInformation(
            "Outbox {Path}: {Depth} unacknowledged events ({Bytes} bytes), next seq {Next}{Awaiting}",
            _path, depth, bytes, next, awaiting ? " (provisional until the fleet's first ack)" : "");
    }

    /// <summary>After an I/O error a LiteDB engine stays closed: dispose it; the writer reopens it with backoff.</summary>
    private void CloseAfterFault(Exception ex)
    {
        _file?.Dispose();
        _file = null;
        _reopen.Failed();
        _faults.Raise(StorageFaultNames.Disk, $"the outbox cannot write: {ex.Message}");
    }

    /// <summary>A fault of the disk or the file system (retry later), as opposed to damage inside the file (quarantine).</summary>
    private static bool IsDiskFault(Exception ex) =>
        ex is UnauthorizedAccessException
        || ex is IOException and not EndOfStreamException
        || ex is LiteException { ErrorCode: LiteException.LOCK_TIMEOUT }
        || ex.InnerException is IOException and not EndOfStreamException;

    private sealed record FreshStart(IReadOnlyList<DeviceEvent> Salvaged, string? Reason, long Floor);

    /// <summary>Delays between attempts to reopen the file: doubling from min to max, reset once it is open.</summary>
    private sealed class ReopenBackoff(TimeSpan min, TimeSpan max)
    {
        private readonly TimeSpan _min = min;
        private long _dueTimestamp;

        public TimeSpan Current { get; private set; } = min;

        public bool Due() => System.Diagnostics.Stopwatch.GetTimestamp() >= Volatile.Read(ref _dueTimestamp);

        public void Failed()
        {
            Volatile.Write(ref _dueTimestamp, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(Current.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
            Current = TimeSpan.FromTicks(Math.Min(max.Ticks, Current.Ticks * 2));
        }

        public void Reset()
        {
            Current = _min;
            Volatile.Write(ref _dueTimestamp, 0);
        }
    }
}
