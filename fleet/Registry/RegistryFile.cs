using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Registry;

/// <summary>
/// The embedded fleet's access data (<c>Store:Kind=lite</c>) in its own LiteDB file, <c>{Fleet:DataDir}/registry.db</c>: devices, enrolments, people,
/// tokens and the audit log. A file of its own rather than collections in <c>fleet.db</c>: the event store owns that
/// file's single <see cref="LiteDatabase"/> and its write lock, and ingest should never wait behind a login.
/// Writes that matter (a secret issued, a device retired) are durable before they are answered (<see cref="LiteFile.CommitDurably{T}"/>).
/// The Lite stores of the registry (<see cref="LiteDeviceStore"/>, <c>LiteEnrolmentStore</c>, <c>LitePeopleStore</c>,
/// <c>LiteAuditStore</c>) share this one file and its write lock. The file reopens itself after its engine failed
/// (<see cref="ReopeningLiteFile{TView}"/>): the stores therefore ask for a collection at each use, never keep one.
/// </summary>
public sealed class RegistryFile : IDisposable
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

    private readonly ReopeningLiteFile<LiteDatabase> _file;

    public RegistryFile(IOptions<FleetOptions> options, StoreOutages outages)
        : this(options.Value.FileIn(FileName), outages)
    {
    }

    public RegistryFile(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<LiteDatabase>("registry", path, Collections, db => db, outages, opening);
    }

    /// <summary>
    /// One of the file's collections, of the engine open now (<see cref="StoreUnavailableException"/> while none is);
    /// a name not declared in <see cref="Collections"/> is a programming error.
    /// </summary>
    public ILiteCollection<T> Collection<T>(string name) =>
        Collections.Contains(name, StringComparer.Ordinal)
            ? _file.Read(db => db.GetCollection<T>(name))
            : throw new ArgumentException($"'{name}' is not a collection of {FileName}; declare it in {nameof(RegistryFile)}", nameof(name));

    /// <summary>Runs a read; a failure of the engine under it makes the file reopen (see <see cref="ReopeningLiteFile{TView}"/>).</summary>
    public T Read<T>(Func<T> work) => _file.Read(_ => work());

    /// <summary>Runs <paramref name="work"/> as one transaction, on disk when this returns; one writer at a time.</summary>
    public T Write<T>(Func<T> work) => _file.Write(_ => work());

    public void Dispose() => _file.Dispose();
}
