using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Store.Moving;

/// <summary>
/// Copies one kind of fleet data from an embedded fleet's LiteDB files (its <c>Fleet:DataDir</c>) into PostgreSQL,
/// for the <c>move-to-postgres</c> verb. Each feature that keeps data has one, beside its stores; the verb finds them
/// all by reflection (a public parameterless constructor is required) and runs them in <see cref="Order"/>.
/// A copier must be idempotent: run twice, the second run copies nothing new and changes nothing.
/// </summary>
public interface IEmbeddedDataCopier
{
    /// <summary>What it copies, for the verb's output ("devices, enrolments, people, tokens, audit").</summary>
    string What { get; }

    /// <summary>Copiers run in ascending order (the registry first: others may refer to its devices).</summary>
    int Order { get; }

    /// <summary>Rows of this kind already in the target; the verb refuses a non-empty target unless told.</summary>
    Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken);

    /// <summary>
    /// Copies everything of this kind found in <paramref name="source"/>'s files (a missing file is nothing to copy)
    /// into <paramref name="target"/>, whose schema is up to date; returns how many rows it wrote.
    /// </summary>
    Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken);
}
