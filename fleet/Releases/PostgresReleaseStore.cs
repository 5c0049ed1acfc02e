using Edge.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Releases;

/// <summary>
/// Releases in PostgreSQL, shared by every node: a row per version in <c>releases</c> and its archive in
/// <c>release_chunks</c>, pieces of <see cref="ChunkSize"/> bytes as <c>bytea</c>. An upload is one transaction (the
/// release row first, so a second upload of the version waits on it and is then refused; the chunks as they arrive;
/// committed only once size and SHA-256 checked), so a half-uploaded archive is never seen. A download reads one
/// chunk per query (<see cref="PostgresArchiveStream"/>) and holds no connection between chunks.
/// Why chunked bytea rather than one bytea value or a large object: a single bytea is written and read whole by the
/// protocol (a few tens of MiB in memory per upload, and a range request would read the whole value), while large
/// objects need their own transaction-bound API, are not removed with their row and are left out by default of some
/// dumps; chunks stream both ways with bounded memory, seek for range requests, and go with their row.
/// </summary>
public sealed class PostgresReleaseStore(NpgsqlDataSource dataSource, TimeProvider time) : IReleaseStore
{
    /// <summary>Bytes per chunk of a new archive (each release records its own, so this may change later).</summary>
    public const int ChunkSize = 256 * 1024;

    public Task<string?> SaveAsync(ReleaseManifest manifest, string signature, Stream archive, CancellationToken cancellationToken) =>
        SaveAsync(manifest, signature, archive, time.GetUtcNow(), cancellationToken);

    /// <summary>As <see cref="SaveAsync(ReleaseManifest, string, Stream, CancellationToken)"/>, keeping the given upload time (the copier's).</summary>
    internal async Task<string?> SaveAsync(ReleaseManifest manifest, string signature, Stream archive, DateTimeOffset uploadedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO releases (version, sha256, size, signature, chunk_size, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (version) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = manifest.Version });
            insert.Parameters.Add(new() { Value = manifest.Sha256 });
            insert.Parameters.Add(new() { Value = manifest.Size });
            insert.Parameters.Add(new() { Value = signature.Trim() });
            insert.Parameters.Add(new() { Value = ChunkSize });
            insert.Parameters.Add(new() { Value = uploadedAt.UtcDateTime });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return CheckedArchiveCopy.VersionExists(manifest.Version);
            }
        }

        await using var chunk = new NpgsqlCommand("INSERT INTO release_chunks (version, idx, data) VALUES ($1, $2, $3)", connection, transaction);
        var version = new NpgsqlParameter<string>{ TypedValue = manifest.Version };
        var index = new NpgsqlParameter<int>();
        var data = new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea };
        chunk.Parameters.Add(version);
        chunk.Parameters.Add(index);
        chunk.Parameters.Add(data);
        var problem = await CheckedArchiveCopy.CopyAsync(manifest, archive, ChunkSize, async (piece, i) =>
        {
            index.TypedValue = i;
            data.TypedValue = piece;
            await chunk.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        if (problem is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return problem;
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<ReleaseView?> FindAsync(string version, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version, sha256, size, signature, uploaded_at FROM releases WHERE version = $1");
        command.Parameters.Add(new() { Value = version });
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ReleaseView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version, sha256, size, signature, uploaded_at FROM releases ORDER BY uploaded_at DESC, version");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<Stream?> OpenArchiveAsync(string version, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT size, chunk_size FROM releases WHERE version = $1");
        command.Parameters.Add(new() { Value = version });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PostgresArchiveStream(dataSource, version, reader.GetInt64(0), reader.GetInt32(1))
            : null;
    }

    private static async Task<IReadOnlyList<ReleaseView>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<ReleaseView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReleaseView(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero)));
        }

        return list;
    }
}
