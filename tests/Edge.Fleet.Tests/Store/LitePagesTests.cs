using Edge.Fleet.Store.Moving;
using LiteDB;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// The copiers of <c>move-to-postgres</c> await PostgreSQL between the pages they read from LiteDB. A page must be
/// whole before it is handed out, so no LiteDB read lock is held across the await (the CI once failed with a
/// <see cref="LockRecursionException"/> when a cursor was).
/// </summary>
public sealed class LitePagesTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "edge-tests", "pages-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly LiteDatabase _db;

    public LitePagesTests()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _db = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct });
    }

    [Fact]
    public async Task Every_document_comes_once_in_id_order_while_the_reader_awaits_between_pages()
    {
        var documents = _db.GetCollection("rows");
        documents.InsertBulk(Enumerable.Range(1, 2_345).Select(i => new BsonDocument { ["_id"] = $"row-{i:D5}", ["n"] = i }));

        var seen = new List<int>();
        var pageSizes = new List<int>();

        // Off the test's synchronisation context, so each await may resume on another pool thread, as a copier's does;
        // between pages the reader reads and writes the same database.
        await Task.Run(async () =>
        {
            foreach (var page in LitePages.Of(documents, 500))
            {
                pageSizes.Add(page.Count);
                seen.AddRange(page.Select(d => d["n"].AsInt32));
                await Task.Delay(1);
                Assert.Equal(2_345, documents.Count());
                _db.GetCollection("other").Upsert(new BsonDocument { ["_id"] = page.Count, ["at"] = seen.Count });
            }
        });

        Assert.Equal(Enumerable.Range(1, 2_345), seen);
        Assert.Equal([500, 500, 500, 500, 345], pageSizes);
    }

    [Fact]
    public async Task Typed_rows_page_by_their_mapped_id()
    {
        var people = _db.GetCollection<Person>("people");
        people.InsertBulk(Enumerable.Range(1, 1_001).Select(i => new Person { Number = i, Name = "p" + i }));

        var seen = new List<long>();
        await Task.Run(async () =>
        {
            foreach (var page in LitePages.Of(people, 1_000))
            {
                seen.AddRange(page.Select(p => p.Number));
                await Task.Delay(1);
            }
        });

        Assert.Equal(Enumerable.Range(1, 1_001).Select(i => (long)i), seen);
    }

    [Fact]
    public void An_empty_collection_has_no_pages() => Assert.Empty(LitePages.Of(_db.GetCollection("empty")));

    public void Dispose()
    {
        _db.Dispose();
        File.Delete(_path);
    }

    public sealed class Person
    {
        [BsonId(false)]
        public long Number { get; set; }

        public string Name { get; set; } = "";
    }
}
