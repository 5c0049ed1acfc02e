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
    public static LiteDatabase Open(string path, params string[] collections)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
        };
        var mapper = new BsonMapper { SerializeNullValues = false };
        var db = new LiteDatabase(connection, mapper) { UtcDate = true };
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

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and returns only once it is on disk.
    /// Must be called from one thread at a time per database (LiteDB transactions are thread-bound).
    /// </summary>
    public static T CommitDurably<T>(LiteDatabase db, Func<T> work)
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
        catch
        {
            db.Rollback();
            throw;
        }

        db.Checkpoint();
        return result;
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
