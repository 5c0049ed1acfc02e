using Edge.Storage;
using LiteDB;

namespace Edge.Device.Outbox;

/// <summary>Opens the outbox's LiteDB file; tests substitute one whose disk fills up on demand.</summary>
public interface IOutboxFileOpener
{
    LiteDatabase Open(string path, params string[] collections);

    /// <summary>The journal in front of the file (<see cref="OutboxJournal"/>): a stream whose <c>Flush()</c> makes its writes durable.</summary>
    Stream OpenJournal(string path) => new JournalFileStream(path);
}

/// <summary>
/// The real file: the data file through <see cref="DataFileStream"/> (fsynced at each checkpoint) and the log
/// through <see cref="OrderedLogStream"/> (two fsyncs per commit instead of one per page). Opened like
/// <see cref="LiteFile.Open"/> otherwise: UTC dates, null values left out, the collections created up front.
/// </summary>
public sealed class LiteOutboxFileOpener : IOutboxFileOpener
{
    public LiteDatabase Open(string path, params string[] collections)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        DataFileStream? data = null;
        OrderedLogStream? log = null;
        try
        {
            data = new DataFileStream(path);
            log = new OrderedLogStream(new FileStream(OutboxQuarantine.LogFileOf(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.RandomAccess));
            var db = new OutboxLiteFile(data, log) { UtcDate = true };
            try
            {
                LiteFile.CreateCollections(db, collections);
            }
            catch
            {
                db.Dispose();
                throw;
            }

            return db;
        }
        catch
        {
            data?.Dispose();
            log?.Dispose();
            throw;
        }
    }
}

/// <summary>A LiteDB database on streams it owns: closing the database closes the files.</summary>
public sealed class OutboxLiteFile(DataFileStream data, OrderedLogStream log)
    : LiteDatabase(data, new BsonMapper { SerializeNullValues = false }, log)
{
    /// <summary>The log, for its fsync count.</summary>
    public OrderedLogStream Log => log;

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                log.Dispose();
                data.Dispose();
            }
        }
    }
}

/// <summary>
/// The outbox's data file. LiteDB fsyncs a file only when it opened it by name: on a stream it calls plain
/// <see cref="Stream.Flush()"/> (at a checkpoint, after copying the log into the data file, before it truncates the
/// log). Here every such flush is an fsync, or a power cut after the truncation would lose the copied pages (seen in
/// the power-cut test: every cut discarded the whole data file).
/// </summary>
public sealed class DataFileStream(string path)
    : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.RandomAccess)
{
    public override void Flush() => Flush(flushToDisk: true);
}
