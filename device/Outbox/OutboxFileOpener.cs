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

/// <summary>The real file: <see cref="LiteFile.Open"/> (the log through <see cref="OrderedLogStream"/>, two fsyncs per commit).</summary>
public sealed class LiteOutboxFileOpener : IOutboxFileOpener
{
    public LiteDatabase Open(string path, params string[] collections) => LiteFile.Open(path, collections);
}
