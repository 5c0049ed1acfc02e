using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;

namespace Edge.Fleet.Centres;

/// <summary>
/// <see cref="ICentreStore"/> in <c>{Fleet:DataDir}/centres.db</c> (collection <c>centres</c>) for one node. A save of
/// many centres is one LiteDB transaction, committed durably; the file reopens itself after its engine failed
/// (<see cref="ReopeningLiteFile{TView}"/>), meanwhile every call throws <see cref="StoreUnavailableException"/> naming
/// the <c>centres</c> store.
/// </summary>
public sealed class LiteCentreStore : ICentreStore, IDisposable
{
    public const string FileName = "centres.db";

    internal const string Collection = "centres";

    private readonly ReopeningLiteFile<ILiteCollection<Centre>> _file;

    public LiteCentreStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<ILiteCollection<Centre>>(Name, path, [Collection], db => db.GetCollection<Centre>(Collection), outages, opening);
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "centres";

    public Task<IReadOnlyList<Centre>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Centre>>(_file.Read(centres => centres.FindAll().Select(Read).OrderBy(c => c.Id, StringComparer.Ordinal).ToList()));

    public Task<Centre?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Read(centres => centres.FindById(id) is { } centre ? Read(centre) : null));

    public Task SaveAsync(IReadOnlyList<Centre> centres, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(collection =>
        {
            foreach (var centre in centres)
            {
                collection.Upsert(centre);
            }

            return centres.Count;
        }));

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(centres => centres.Delete(id)));

    public void Dispose() => _file.Dispose();

    /// <summary>LiteDB's mapper stores an empty string as null; the directory's empty address is "".</summary>
    private static Centre Read(Centre centre)
    {
        centre.Address ??= "";
        return centre;
    }
}
