using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Hosting;
using Edge.Fleet.Provisioning;
using Edge.Storage;
using LiteDB;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Registry;

/// <summary>
/// The embedded fleet's access data (<c>Store:Kind=lite</c>) in its own LiteDB file, <c>{Fleet:DataDir}/registry.db</c>: devices, enrolments, people,
/// tokens and the audit log. A file of its own rather than collections in <c>fleet.db</c>: the event store owns that
/// file's single <see cref="LiteDatabase"/> and its write lock, and ingest should never wait behind a login.
/// Writes that matter (a secret issued, a device retired) are durable before they are answered (<see cref="LiteFile.CommitDurably{T}"/>).
/// The Lite stores of the registry (<see cref="LiteDeviceStore"/>, <c>LiteEnrolmentStore</c>, <c>LitePeopleStore</c>,
/// <c>LiteAuditStore</c>) share this one file and its write lock.
/// </summary>
public sealed class RegistryDatabase : IDisposable
{
    public const string FileName = "registry.db";

    /// <summary>Every collection of the file, created when it is opened (see <see cref="LiteFile.Open"/>).</summary>
    private static readonly string[] Collections =
    [
        LiteDeviceStore.Collection,
        LiteEnrolmentStore.Collection,
        LitePeopleStore.UsersCollection,
        LitePeopleStore.TokensCollection,
        LiteAuditStore.Collection,
    ];

    private readonly LiteDatabase _db;
    private readonly Lock _writeLock = new();

    public RegistryDatabase(IOptions<FleetOptions> options)
        : this(options.Value.FileIn(FileName))
    {
    }

    public RegistryDatabase(string path)
    {
        _db = LiteFile.Open(path, Collections);
    }

    /// <summary>One of the file's collections; a name not declared in <see cref="Collections"/> is a programming error.</summary>
    public ILiteCollection<T> Collection<T>(string name) =>
        Collections.Contains(name, StringComparer.Ordinal)
            ? _db.GetCollection<T>(name)
            : throw new ArgumentException($"'{name}' is not a collection of {FileName}; declare it in {nameof(RegistryDatabase)}", nameof(name));

    /// <summary>Runs <paramref name="work"/> as one transaction, on disk when this returns; one writer at a time.</summary>
    public T Write<T>(Func<T> work)
    {
        lock (_writeLock)
        {
            return LiteFile.CommitDurably(_db, work);
        }
    }

    public void Dispose() => _db.Dispose();
}
