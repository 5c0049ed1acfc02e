using Edge.Fleet.Registry;
using LiteDB;

namespace Edge.Fleet.Audit;

/// <summary><see cref="IAuditStore"/> in the collection <c>audit</c> of <see cref="RegistryFile"/>; appends are durable.</summary>
public sealed class LiteAuditStore(RegistryFile db) : IAuditStore
{
    public const string Collection = "audit";

    private ILiteCollection<AuditEntry> _entries => db.Collection<AuditEntry>(Collection);

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        db.Write(() => _entries.Insert(entry));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken)
    {
        var query = _entries.Query();
        if (action is not null)
        {
            query = query.Where(e => e.Action == action);
        }

        return Task.FromResult<IReadOnlyList<AuditEntry>>(query.OrderByDescending(e => e.Id).Limit(limit).ToList());
    }
}
