using Edge.Storage;
using LiteDB;

namespace Edge.Device.Outbox;

/// <summary>Opens the outbox's LiteDB file; tests substitute one whose disk fills up on demand.</summary>
public interface IOutboxFileOpener
{
    LiteDatabase Open(string path, params string[] collections);
}

/// <summary>The real file, through <see cref="LiteFile.Open"/>.</summary>
public sealed class LiteOutboxFileOpener : IOutboxFileOpener
{
    public LiteDatabase Open(string path, params string[] collections) => LiteFile.Open(path, collections);
}
