using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Store.Leadership;

/// <summary>
/// Leadership among the nodes sharing one PostgreSQL database: a session advisory lock held on a connection of its
/// own (outside the pool, so that closing it really ends the session). A node that dies (SIGKILL closes its socket)
/// or loses the database loses the lock with its session, and another node takes it at its next attempt, within
/// <see cref="AttemptEvery"/>. The holder checks its connection every <see cref="AttemptEvery"/> and stops leading as
/// soon as a check fails; while the database still holds the session (a half-open link), nobody else can lead, so
/// two nodes never lead at once.
/// </summary>
public sealed class PostgresLeadership(IOptions<StoreOptions> options, ILogger<PostgresLeadership> logger) : BackgroundService, IFleetLeadership
{
    /// <summary>Key of the leadership lock ("edgelead" in ASCII); the migration lock uses another key.</summary>
    public const long LockKey = 0x65646765_6c656164;

    public static readonly TimeSpan AttemptEvery = TimeSpan.FromSeconds(1);

    private volatile bool _isLeader;

    public bool IsLeader => _isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.Postgres.ConnectionString)
        {
            Pooling = false,
            CommandTimeout = 5,
            Timeout = 5,
            KeepAlive = 5,
        }.ConnectionString;
        NpgsqlConnection? connection = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync(stoppingToken);
                }

                if (!_isLeader)
                {
                    await using var attempt = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
                    if (await attempt.ExecuteScalarAsync(stoppingToken) is true)
                    {
                        _isLeader = true;
                        logger.LogInformation("This node now leads the fleet's singleton jobs");
                    }
                }
                else
                {
                    await using var check = new NpgsqlCommand("SELECT 1", connection);
                    await check.ExecuteScalarAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                if (_isLeader)
                {
                    logger.LogWarning("This node no longer leads the fleet's singleton jobs: {Error}", ex.Message);
                }
                else
                {
                    logger.LogDebug("Leadership attempt failed: {Error}", ex.Message);
                }

                _isLeader = false;
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
            }

            try
            {
                await Task.Delay(AttemptEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _isLeader = false;
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
