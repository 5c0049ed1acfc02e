using Npgsql;

namespace Edge.Fleet.Releases;

/// <summary>
/// A release archive read from <c>release_chunks</c>, one chunk per query as the reader gets to it: seekable (HTTP
/// range requests, a device resuming a download), one chunk in memory, and no connection held between reads, so a
/// slow download over 4G does not keep a pooled connection for minutes.
/// </summary>
public sealed class PostgresArchiveStream(NpgsqlDataSource dataSource, string version, long length, int chunkSize) : Stream
{
    private long _position;
    private int _chunkIndex = -1;
    private byte[] _chunk = [];

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        var index = (int)(_position / chunkSize);
        if (index != _chunkIndex)
        {
            _chunk = await ReadChunkAsync(index, cancellationToken);
            _chunkIndex = index;
        }

        var offset = (int)(_position - ((long)index * chunkSize));
        var count = Math.Min(buffer.Length, _chunk.Length - offset);
        if (count <= 0)
        {
            throw new InvalidDataException($"release {version}: chunk {index} is shorter than its archive's recorded size");
        }

        _chunk.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task<byte[]> ReadChunkAsync(int index, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT data FROM release_chunks WHERE version = $1 AND idx = $2");
        command.Parameters.Add(new() { Value = version });
        command.Parameters.Add(new() { Value = index });
        return await command.ExecuteScalarAsync(cancellationToken) as byte[]
            ?? throw new InvalidDataException($"release {version}: chunk {index} is missing");
    }
}
