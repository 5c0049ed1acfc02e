namespace Edge.Fleet.Centres;

/// <summary>
/// Where the centre directory is kept: <see cref="LiteCentreStore"/> (<c>centres.db</c>) or
/// <see cref="PostgresCentreStore"/> (table <c>centres</c>, migration 100). Every write is durable before it returns.
/// Read the directory through <see cref="ICentreDirectory"/>, which caches it; this is for that cache and for writers.
/// </summary>
public interface ICentreStore
{
    /// <summary>Every centre, in id order.</summary>
    Task<IReadOnlyList<Centre>> ListAsync(CancellationToken cancellationToken);

    Task<Centre?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates or replaces each centre (by id), all or none.</summary>
    Task SaveAsync(IReadOnlyList<Centre> centres, CancellationToken cancellationToken);

    /// <summary>True when there was such a centre.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
