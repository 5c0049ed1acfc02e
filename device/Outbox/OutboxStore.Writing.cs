using Edge.Storage;
using Edge.Wire;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Device.Outbox;

/// <summary>Appends (one durable journal append, or LiteDB commit, per group), acks, moves of the journal into LiteDB.</summary>
public sealed partial class OutboxStore
{
    /// <summary>Journal-only events that make the store move them into LiteDB (a backlog is not kept in memory).</summary>
    internal const int JournalMoveEvents = 1000;

    /// <summary>
    /// A journal with less room than this left is moved into LiteDB and starts a new generation, even when its events
    /// were all acknowledged (a press rarely meets a full journal then).
    /// </summary>
    internal const long JournalRotateFreeBytes = 64 * 1024;

    private void WriteAppends(List<AppendCommand> appends)
    {
        if (appends.Count == 0)
        {
            return;
        }

        if (!ReopenIfDue())
        {
            var error = Unavailable(stored: false);
            _logger.LogError("Outbox unavailable; {Count} events were NOT stored: {Error}", appends.Sum(a => a.Drafts.Count), error.Message);
            appends.ForEach(a => a.Fail(error));
            return;
        }

        var file = _file!;
        if (!_awaitingFleetSeq && file.Journal is { } journal)
        {
            if (Volatile.Read(ref _bytes) + appends.Sum(a => a.Drafts.Count * 512L) <= _options.MaxBytes)
            {
                if (JournalAppends(file, journal, appends))
                {
                    return;
                }
            }
            else
            {
                // Over the byte cap: health samples become markers in LiteDB, so the journal's events go there first.
                MoveJournal(file);
            }
        }

        var committed = false;
        Numbered? numbered = null;
        try
        {
            if (!file.Db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on the outbox writer thread.");
            }

            try
            {
                numbered = InsertNumbered(file, appends);
                // The mark that survives the file must cover these seqs before they exist (see SeqHighWater);
                // provisional seqs are not the fleet's yet: the first ack covers what they become.
                if (!_awaitingFleetSeq)
                {
                    _highWater.Cover(numbered.Next - 1);
                }
                file.Db.Commit();
                committed = true;
            }
            catch when (!committed)
            {
                TryRollback(file);
                throw;
            }

            // Commit returns before LiteDB's background writer has written the log; waiting for the writer is enough
            // once the log is on disk up to the transaction's confirming page (OrderedLogStream: two fsyncs). No
            // checkpoint per append: LiteDB copies the log into the data file (and fsyncs it) every 1,000 pages.
            Storage.LiteFile.WaitUntilWritten(file.Db);
            Complete(appends, numbered);
            _faults.Clear(StorageFaultNames.Disk);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            CloseAfterFault(ex);
            var stored = committed ? StoredAfterReopen(numbered!) : false;
            SettleFailedWrite(appends, numbered, stored, ex, "outbox write", "the file could not be reopened to check");
        }
    }

    /// <summary>
    /// After a failed write (<paramref name="what"/>): the appends complete when the reopened file has them
    /// (<paramref name="stored"/> true); otherwise each fails with the truth, "not stored" or "not known to be stored"
    /// (<paramref name="uncheckable"/> says why it could not be known).
    /// </summary>
    private void SettleFailedWrite(List<AppendCommand> appends, Numbered? numbered, bool? stored, Exception ex, string what, string uncheckable)
    {
        if (stored == true)
        {
            _logger.LogWarning("Outbox: the {What} failed ({Error}) but the events are in the reopened file", what, ex.Message);
            Complete(appends, numbered!);
            return;
        }

        var count = appends.Sum(a => a.Drafts.Count);
        _logger.LogError("Outbox: the {What} failed; {Count} events were {Truth}: {Error}", what, count, stored is null ? "perhaps not stored" : "NOT stored", ex.Message);
        var failure = new OutboxWriteException(
            stored is null
                ? $"not known to be stored: the {what} failed ({ex.Message}) and {uncheckable}"
                : $"not stored: the {what} failed ({ex.Message})",
            stored,
            ex);
        appends.ForEach(a => a.Fail(failure));
    }

    /// <summary>
    /// The press path: the group's events numbered, appended to the journal as one write and made durable by one
    /// fsync (with the last ack, if any, in front of them at no cost). A failed append is cut back off the journal
    /// (stored: false), or, when that fails too, looked for after a reopen like a failed LiteDB flush. False when the
    /// group is larger than even an empty journal holds: nothing was written, the caller commits it into LiteDB.
    /// </summary>
    private bool JournalAppends(OpenOutbox file, OutboxJournal journal, List<AppendCommand> appends)
    {
        var next = Volatile.Read(ref _nextSeq);
        var now = DateTime.UtcNow;
        var records = new List<JournalRecord>();
        if (_pendingJournalAck >= 0)
        {
            records.Add(OutboxJournal.AckRecord(_pendingJournalAck));
        }

        var events = new List<JournalEvent>();
        var seqs = new List<IReadOnlyList<long>>(appends.Count);
        long newBytes = 0;
        foreach (var append in appends)
        {
            var assigned = new long[append.Drafts.Count];
            for (var i = 0; i < assigned.Length; i++)
            {
                var evt = append.Drafts[i] with { Seq = next };
                var json = JsonSerializer.Serialize(evt, WireJson.Default.DeviceEvent);
                records.Add(OutboxJournal.EventRecord(next, now, evt.Kind, json));
                events.Add(new JournalEvent(next, now, evt.Kind, json));
                newBytes += json.Length;
                assigned[i] = next++;
            }

            seqs.Add(assigned);
        }

        var numbered = new Numbered(seqs, next, events.Count, newBytes, 0, 0, now);
        if (!journal.Fits(records))
        {
            if (!TryMoveJournal(file, appends, numbered))
            {
                return true;
            }

            if (!journal.Fits(records))
            {
                return false;
            }
        }

        var before = journal.Length;
        try
        {
            _highWater.Cover(next - 1);
            journal.Append(records, durable: true);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            var cut = journal.CutBack(before);
            CloseAfterFault(ex);
            var stored = cut ? false : StoredAfterReopen(numbered);
            SettleFailedWrite(appends, numbered, stored, ex, "outbox journal append", "it could not be cut back or checked");
            return true;
        }

        _pendingJournalAck = -1;
        lock (_journalLock)
        {
            _journaled.AddRange(events);
        }

        Complete(appends, numbered);
        _faults.Clear(StorageFaultNames.Disk);
        if (events.Count > 0 && (JournalOnlyEvents >= JournalMoveEvents || journal.Free < JournalRotateFreeBytes))
        {
            try
            {
                MoveJournal(file);
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                // The events are durable in the journal; the reopen replays it into LiteDB.
                _logger.LogError("Outbox could not move its journal into LiteDB: {Error}", ex.Message);
                CloseAfterFault(ex);
            }
        }

        return true;
    }

    /// <summary>
    /// A group that does not fit in what is left of the journal: the journal moves into LiteDB first (a new
    /// generation). False when the move failed: the appends are then failed as not stored.
    /// </summary>
    private bool TryMoveJournal(OpenOutbox file, List<AppendCommand> appends, Numbered numbered)
    {
        try
        {
            MoveJournal(file);
            return true;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            CloseAfterFault(ex);
            SettleFailedWrite(appends, numbered, false, ex, "outbox journal move", "");
            return false;
        }
    }

    /// <summary>
    /// Moves the journal-only events into LiteDB in one durable commit (with the numbering), then empties the journal.
    /// A cut between the two leaves them in both: the replay at open skips what LiteDB has.
    /// </summary>
    private void MoveJournal(OpenOutbox file)
    {
        if (file.Journal is not { } journal)
        {
            return;
        }

        lock (_journalLock)
        {
            var rows = _journaled.Select(e => Row(e.Seq, e.Kind, e.Json, e.EnqueuedUtc)).ToList();
            LiteFile.CommitDurably(file.Db, () =>
            {
                if (rows.Count > 0)
                {
                    file.Events.Upsert(rows);
                }

                return file.Meta.Upsert(StateDocument(Volatile.Read(ref _nextSeq), Volatile.Read(ref _dropped), _awaitingFleetSeq));
            });
            RecordRows(rows);
            _journaled.Clear();
        }

        journal.Reset();
        _pendingJournalAck = -1;
    }

    private void Complete(List<AppendCommand> appends, Numbered numbered)
    {
        if (Volatile.Read(ref _depth) == 0)
        {
            Volatile.Write(ref _oldestEnqueuedTicks, numbered.Enqueued.Ticks);
        }

        Volatile.Write(ref _nextSeq, numbered.Next);
        Interlocked.Add(ref _depth, numbered.Rows);
        Interlocked.Add(ref _bytes, numbered.NewBytes - numbered.FreedBytes);
        Interlocked.Add(ref _dropped, numbered.FreedCount);
        for (var i = 0; i < appends.Count; i++)
        {
            appends[i].Done.TrySetResult(numbered.Seqs[i]);
        }

        _changed.Signal();
    }

    /// <summary>After a failed flush of a returned commit: reopens the file and looks for the events. Null: cannot tell.</summary>
    private bool? StoredAfterReopen(Numbered numbered)
    {
        _reopen.Reset();
        if (!TryOpen())
        {
            return null;
        }

        try
        {
            // TryOpen reloaded the counters from the file; Complete must not count these events twice.
            var found = _file!.Events.FindById(numbered.Next - 1) is not null;
            if (found)
            {
                Volatile.Write(ref _nextSeq, numbered.Next);
                Interlocked.Add(ref _depth, -numbered.Rows);
                Interlocked.Add(ref _bytes, -(numbered.NewBytes - numbered.FreedBytes));
                Interlocked.Add(ref _dropped, -numbered.FreedCount);
            }

            return found;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            CloseAfterFault(ex);
            return null;
        }
    }

    private void TryRollback(OpenOutbox file)
    {
        try
        {
            file.Db.Rollback();
        }
        catch (Exception ex) when (IsStorageFailure(ex) || ex is ObjectDisposedException)
        {
            _logger.LogDebug("Rollback after a failed outbox write failed too: {Error}", ex.Message);
        }
    }

    private Numbered InsertNumbered(OpenOutbox file, List<AppendCommand> appends)
    {
        var next = Volatile.Read(ref _nextSeq);
        var rows = new List<BsonDocument>();
        var seqs = new List<IReadOnlyList<long>>(appends.Count);
        var now = DateTime.UtcNow;
        long newBytes = 0;
        foreach (var append in appends)
        {
            var assigned = new long[append.Drafts.Count];
            for (var i = 0; i < assigned.Length; i++)
            {
                var evt = append.Drafts[i] with { Seq = next };
                var json = JsonSerializer.Serialize(evt, WireJson.Default.DeviceEvent);
                rows.Add(Row(next, evt.Kind, json, now));
                newBytes += json.Length;
                assigned[i] = next++;
            }

            seqs.Add(assigned);
        }

        var freed = MakeRoom(file, newBytes);
        file.Events.InsertBulk(rows);
        RecordRows(rows);
        file.Meta.Upsert(StateDocument(next, Volatile.Read(ref _dropped) + freed.Count, _awaitingFleetSeq));
        return new Numbered(seqs, next, rows.Count, newBytes, freed.Count, freed.Bytes, now);
    }

    /// <summary>
    /// Keeps the sizes of rows written (see <see cref="EventRowSizes"/>). Inside a transaction that then fails, they
    /// are not rolled back: every failed write closes the file, and its reopen counts the rows again (LoadState).
    /// </summary>
    private void RecordRows(List<BsonDocument> rows)
    {
        foreach (var row in rows)
        {
            _rows.Set(row["_id"].AsInt64, row["json"].AsString.Length);
        }
    }

    private static BsonDocument Row(long seq, string kind, string json, DateTime enqueued) => new()
    {
        ["_id"] = seq,
        ["kind"] = kind,
        ["droppable"] = EventKinds.IsDroppable(kind),
        ["json"] = json,
        ["enqueued"] = enqueued,
    };

    /// <summary>Reduces the oldest droppable events to markers until the new bytes fit under the cap.</summary>
    private (long Count, long Bytes) MakeRoom(OpenOutbox file, long newBytes)
    {
        var excess = Volatile.Read(ref _bytes) + newBytes - _options.MaxBytes;
        if (excess <= 0)
        {
            return (0, 0);
        }

        long count = 0, freed = 0;
        foreach (var doc in file.Events.Find(Query.EQ("droppable", true)).OrderBy(d => d["_id"].AsInt64).ToList())
        {
            if (freed >= excess)
            {
                break;
            }

            var original = JsonSerializer.Deserialize(doc["json"].AsString, WireJson.Default.DeviceEvent)!;
            var marker = new DeviceEvent
            {
                Seq = original.Seq,
                Kind = EventKinds.Dropped,
                At = original.At,
                UptimeMs = original.UptimeMs,
                Detail = original.Kind,
            };
            var json = JsonSerializer.Serialize(marker, WireJson.Default.DeviceEvent);
            freed += doc["json"].AsString.Length - json.Length;
            doc["json"] = json;
            doc["kind"] = EventKinds.Dropped;
            doc["droppable"] = false;
            file.Events.Update(doc);
            _rows.Set(doc["_id"].AsInt64, json.Length);
            count++;
        }

        if (count > 0)
        {
            _logger.LogWarning("Outbox over its {Cap}-byte cap: {Count} health samples reduced to dropped markers", _options.MaxBytes, count);
        }
        else
        {
            _logger.LogWarning("Outbox over its {Cap}-byte cap with nothing droppable left: keeping every event", _options.MaxBytes);
        }

        return (count, freed);
    }

    private void Acknowledge(OpenOutbox file, long upTo)
    {
        if (_awaitingFleetSeq)
        {
            NumberAfterFleet(file, upTo);
            return;
        }

        var lastAcked = Volatile.Read(ref _lastAcked);
        if (upTo >= Volatile.Read(ref _nextSeq))
        {
            // The fleet has more than this outbox ever numbered, yet this file was trusted: it was restored from an
            // older copy of itself, whose events the fleet has. A lost or damaged file never gets here: a fresh outbox
            // waits for the fleet's first ack and numbers after it (NumberAfterFleet), never freeing a new event.
            _logger.LogWarning("Fleet acknowledged up to {UpTo} but the next local seq is {Next}: numbering after {UpTo}", upTo, _nextSeq, upTo);
            Storage.LiteFile.CommitDurably(file.Db, () =>
            {
                _highWater.Cover(upTo);
                return file.Meta.Upsert(StateDocument(upTo + 1, Volatile.Read(ref _dropped), awaiting: false));
            });
            Volatile.Write(ref _nextSeq, upTo + 1);
        }

        if (upTo <= lastAcked)
        {
            return;
        }

        long freedBytes = 0, deleted = 0;
        if (_rows.OldestSeq <= upTo)
        {
            var (seqs, bytes) = _rows.FreeUpTo(upTo);
            freedBytes = bytes;
            deleted = DeleteRows(file, seqs);
        }

        var oldestRow = _rows.OldestSeq is { } oldestSeq ? file.Events.FindById(oldestSeq) : null;
        DateTime? oldestJournaled;
        lock (_journalLock)
        {
            var freed = FirstJournaledAfter(upTo);
            for (var i = 0; i < freed; i++)
            {
                freedBytes += _journaled[i].Json.Length;
            }

            _journaled.RemoveRange(0, freed);
            deleted += freed;
            oldestJournaled = _journaled.Count > 0 ? _journaled[0].EnqueuedUtc : null;
        }

        if (file.Journal is not null)
        {
            // Written in front of the next append, without an fsync of its own: a lost ack record costs a resend.
            _pendingJournalAck = upTo;
        }

        Interlocked.Add(ref _depth, -deleted);
        Interlocked.Add(ref _bytes, -freedBytes);
        Volatile.Write(ref _lastAcked, upTo);
        var oldest = oldestRow?["enqueued"].AsDateTime.ToUniversalTime() ?? oldestJournaled;
        Volatile.Write(ref _oldestEnqueuedTicks, Volatile.Read(ref _depth) == 0 || oldest is null ? 0 : oldest.Value.Ticks);
        _drainRate.Add(deleted);
        _changed.Signal();

        // The seq mark is set exactly at a graceful stop, not at every drain: at a counter's pace that would be two
        // atomic file writes (four fsyncs) per press.
        if (Volatile.Read(ref _depth) == 0 && SizeOfDataFile() > _options.CompactAboveBytes)
        {
            Compact(file);
        }
    }

    /// <summary>
    /// Deletes acknowledged rows by id, in one transaction, without reading them (LiteDB's DeleteMany with a range runs
    /// a query over the rows first). Not made durable on purpose: if this delete is lost, the events are sent again and
    /// the fleet ignores them. A failure rolls back and closes the file; its reopen counts the rows again.
    /// </summary>
    private long DeleteRows(OpenOutbox file, long[] seqs)
    {
        if (!file.Db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on the outbox writer thread.");
        }

        try
        {
            long deleted = 0;
            foreach (var seq in seqs)
            {
                deleted += file.Events.Delete(seq) ? 1 : 0;
            }

            file.Db.Commit();
            return deleted;
        }
        catch
        {
            TryRollback(file);
            throw;
        }
    }

    /// <summary>
    /// LiteDB never shrinks a file on delete; a rebuild does. Done only when no event is waiting,
    /// so a failed rebuild can never cost an unacknowledged event (the seq counter also survives in the fleet's ack).
    /// LiteDB rebuilds only a database it opened by file name (on streams, as the outbox opens it, a rebuild does
    /// nothing): the file is closed, rebuilt by name and opened again. A failure on the way closes it like a write
    /// fault, and the writer reopens it with backoff.
    /// </summary>
    private void Compact(OpenOutbox file)
    {
        var before = FileBytes();
        file.Db.Checkpoint();
        _file = null;
        var journal = file.Journal;
        file.Journal = null;
        file.Dispose();
        try
        {
            using (var byName = LiteFile.OpenByName(_path))
            {
                byName.Rebuild();
            }

            _file = new OpenOutbox(_opener.Open(_path, EventsCollection, MetaCollection, SalvagedCollection)) { Journal = journal };
        }
        catch
        {
            journal?.Dispose();
            throw;
        }

        _logger.LogInformation("Outbox compacted from {Before} to {After} bytes", before, FileBytes());
    }

    private long SizeOfDataFile() => File.Exists(_path) ? new FileInfo(_path).Length : 0;

    /// <summary>Seqs given to a group of appends, and what they change in the counters once committed.</summary>
    private sealed record Numbered(
        List<IReadOnlyList<long>> Seqs, long Next, int Rows, long NewBytes, long FreedCount, long FreedBytes, DateTime Enqueued);
}
