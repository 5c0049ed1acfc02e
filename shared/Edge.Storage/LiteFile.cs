using LiteDB;

namespace Edge.Storage;

/// <summary>
/// Opens LiteDB files the way Edge needs them and makes commits durable.
/// LiteDB 5 returns from Commit before its background writer has written the log (a SIGKILL or power cut
/// right after can lose the commit); <see cref="LiteDatabase.Checkpoint"/> waits for that writer, copies the
/// log into the data file and flushes it to disk. Measured here: a bulk insert killed right after Commit
/// lost everything in one run of three; killed right after Checkpoint, none of three lost anything.
/// </summary>
public static class LiteFile
{
    /// <summary>Marks the document that creates an empty collection; inserted and deleted in the same transaction.</summary>
    private const string CreationMarkerId = "\u0000edge-create";

    /// <summary>
    /// Opens (creating the folder) a single-process LiteDB file with UTC dates, and creates every collection in
    /// <paramref name="collections"/> that does not exist yet before anyone else can touch the file.
    /// LiteDB 5 creates a collection lazily on its first write, and a read of that collection from another thread
    /// while the creating transaction commits fails ("page type must be collection page", LiteDB issues #2002 and
    /// #2792) and can leave the whole engine refusing every later call. A fleet whose first event arrived while a
    /// browser listed devices lost its store that way in CI. Collections that exist from the start close the race.
    /// </summary>
    /// <remarks>
    /// The file is opened on its own streams (<see cref="OrderedLiteFile"/>): by name, LiteDB 5.0.20 fsyncs its log
    /// after every drain of its page queue, about once per page (a fleet commit of 1,000 events cost ~230 fsyncs, three
    /// quarters of its time); on an <see cref="OrderedLogStream"/> a commit costs two. <see cref="OpenByName"/> is for
    /// the maintenance LiteDB does only by name (<see cref="LiteDatabase.Rebuild"/>).
    /// </remarks>
    public static LiteDatabase Open(string path, params string[] collections)
    {
        CreateFolderOf(path);
        DataFileStream? data = null;
        OrderedLogStream? log = null;
        try
        {
            data = new DataFileStream(path);
            log = new OrderedLogStream(new FileStream(LogFileOf(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.RandomAccess));
        }
        catch
        {
            data?.Dispose();
            log?.Dispose();
            throw;
        }

        var db = new OrderedLiteFile(data, log) { UtcDate = true };
        try
        {
            CreateCollections(db, collections);
        }
        catch
        {
            db.Dispose();
            throw;
        }

        return db;
    }

    /// <summary>Opens the file by name, as LiteDB opens it itself (UTC dates, nulls left out): for <see cref="LiteDatabase.Rebuild"/>.</summary>
    public static LiteDatabase OpenByName(string path)
    {
        CreateFolderOf(path);
        var connection = new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
        };
        return new LiteDatabase(connection, new BsonMapper { SerializeNullValues = false }) { UtcDate = true };
    }

    /// <summary>The LiteDB log beside a data file: <c>outbox-log.db</c> for <c>outbox.db</c>.</summary>
    public static string LogFileOf(string dataFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataFile))!, Path.GetFileNameWithoutExtension(dataFile) + "-log" + Path.GetExtension(dataFile));

    private static void CreateFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and returns only once it is on disk.
    /// Must be called from one thread at a time per database (LiteDB transactions are thread-bound).
    /// </summary>
    public static T CommitDurably<T>(LiteDatabase db, Func<T> work)
    {
        // Commit has waited for the log writer: Checkpoint waits for it again, without a deadline, and a writer that died
        // on a full disk would hold it there forever.
        var result = Commit(db, work);
        db.Checkpoint();
        return result;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and returns once LiteDB's log writer has handed it to the
    /// operating system, without waiting for the disk (no fsync): for data that is sent again anyway when lost.
    /// Waiting for the writer makes a write to a full disk fail here, in the caller, rather than later in the background.
    /// Must be called from one thread at a time per database.
    /// </summary>
    public static T Commit<T>(LiteDatabase db, Func<T> work)
    {
        if (!db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        }

        T result;
        try
        {
            result = work();
            db.Commit();
        }
        catch (Exception failure)
        {
            try
            {
                db.Rollback();
            }
            catch (Exception ex) when (ex is LiteException or IOException or ObjectDisposedException)
            {
                // The engine closed under the transaction (an I/O error): the original failure is the one to report.
                throw new IOException($"{failure.Message} (and the rollback failed: {ex.Message})", failure);
            }

            throw;
        }

        LiteLogWriter.WaitUntilWritten(db);
        return result;
    }

    /// <summary>
    /// Returns once LiteDB's log writer has written (and flushed, as its stream flushes) every committed page; throws
    /// the writer's own exception if it failed instead. Must be called from the thread that committed.
    /// </summary>
    public static void WaitUntilWritten(LiteDatabase db) => LiteLogWriter.WaitUntilWritten(db);

    /// <summary>
    /// Disposes a database whose engine may have failed (an I/O error, a damaged file) without leaving a time bomb.
    /// After such a failure LiteDB 5.0.20 can leave a transaction whose own Dispose throws ("discarded page must be
    /// writable"); its finalizer then throws again on the finalizer thread and kills the process (seen here: the test
    /// host crashed minutes after a handled disk-full error). The open transactions are taken from the engine's
    /// transaction monitor (private fields of this pinned version, read by reflection) and their finalizers
    /// suppressed once the database is closed. On any other LiteDB version the fields may be missing: then it only
    /// disposes.
    /// </summary>
    public static void DisposeAfterFault(LiteDatabase db)
    {
        var transactions = OpenTransactions(db);
        try
        {
            db.Dispose();
        }
        catch (Exception ex) when (ex is LiteException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing after a fault may fail again (flushing to a full disk); the engine is closed either way.
        }

        foreach (var transaction in transactions)
        {
            GC.SuppressFinalize(transaction);
        }

        LiteLogWriter.ReleaseWaiters(db);
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075", Justification = LiteLogWriter.KeptWhenTrimmed)]
    private static List<object> OpenTransactions(LiteDatabase db)
    {
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        try
        {
            var engine = typeof(LiteDatabase).GetField("_engine", Private)?.GetValue(db);
            var monitor = engine?.GetType().GetField("_monitor", Private)?.GetValue(engine);
            var all = monitor?.GetType().GetField("_transactions", Private)?.GetValue(monitor) as System.Collections.IDictionary;
            if (all is null)
            {
                return [];
            }

            lock (all)
            {
                return all.Values.Cast<object>().ToList();
            }
        }
        catch (Exception ex) when (ex is System.Reflection.TargetException or FieldAccessException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>Creates the collections that do not exist yet (see <see cref="Open"/>); for databases opened another way.</summary>
    public static void CreateCollections(LiteDatabase db, IEnumerable<string> collections)
    {
        var missing = collections.Distinct(StringComparer.OrdinalIgnoreCase).Where(name => !db.CollectionExists(name)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        CommitDurably(db, () =>
        {
            foreach (var name in missing)
            {
                var collection = db.GetCollection(name);
                collection.Insert(new BsonDocument { ["_id"] = CreationMarkerId });
                collection.Delete(CreationMarkerId);
            }

            return missing.Count;
        });
    }
}
