using LiteDB;

namespace Edge.Fleet.Store.Moving;

/// <summary>
/// Reads a LiteDB collection in pages, each read whole before it is handed out. A copier awaits PostgreSQL between
/// pages; a LiteDB cursor held open across an <c>await</c> keeps the engine's thread-bound read lock on one thread and
/// is resumed on another (<see cref="System.Threading.LockRecursionException"/>), so no cursor may outlive its page.
/// Pages follow the <c>_id</c> index (keyset, not skip), so each costs the same however far the copy has gone.
/// </summary>
public static class LitePages
{
    /// <summary>Rows per page unless a copier says otherwise.</summary>
    public const int DefaultSize = 1_000;

    /// <summary>Every document of <paramref name="collection"/>, in pages of at most <paramref name="size"/>, in <c>_id</c> order.</summary>
    public static IEnumerable<IReadOnlyList<BsonDocument>> Of(ILiteCollection<BsonDocument> collection, int size = DefaultSize) =>
        Of(collection, doc => doc["_id"], size);

    /// <summary>Every row of <paramref name="collection"/>, in pages of at most <paramref name="size"/>, in <c>_id</c> order.</summary>
    public static IEnumerable<IReadOnlyList<T>> Of<T>(ILiteCollection<T> collection, int size = DefaultSize)
    {
        var id = collection.EntityMapper.Id
                 ?? throw new InvalidOperationException($"{typeof(T).Name} in '{collection.Name}' has no id to page by.");
        return Of(collection, row => BsonMapper.Global.Serialize(id.DataType, id.Getter(row!)), size);
    }

    private static IEnumerable<IReadOnlyList<T>> Of<T>(ILiteCollection<T> collection, Func<T, BsonValue> idOf, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        BsonValue? after = null;
        while (true)
        {
            var query = collection.Query();
            if (after is not null)
            {
                query = query.Where(Query.GT("_id", after));
            }

            List<T> page = query.OrderBy(BsonExpression.Create("_id")).Limit(size).ToList();
            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            if (page.Count < size)
            {
                yield break;
            }

            after = idOf(page[^1]);
        }
    }
}
