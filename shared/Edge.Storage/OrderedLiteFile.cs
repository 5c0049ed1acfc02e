using LiteDB;

namespace Edge.Storage;

/// <summary>
/// A LiteDB database on files it opens itself: the data file through <see cref="DataFileStream"/> (fsynced at each
/// checkpoint) and the log through <see cref="OrderedLogStream"/> (two fsyncs per commit instead of one per page of
/// the transaction). Closing the database closes both files. <see cref="LiteFile.Open"/> opens every file this way.
/// </summary>
public sealed class OrderedLiteFile(DataFileStream data, OrderedLogStream log)
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
/// A LiteDB data file. LiteDB fsyncs a file only when it opened it by name: on a stream it calls plain
/// <see cref="Stream.Flush()"/> (at a checkpoint, after copying the log into the data file, before it truncates the
/// log). Here every such flush is an fsync, or a power cut after the truncation would lose the copied pages (seen in
/// the device's power-cut test: every cut discarded the whole data file).
/// </summary>
public sealed class DataFileStream(string path)
    : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.RandomAccess)
{
    public override void Flush() => Flush(flushToDisk: true);
}
