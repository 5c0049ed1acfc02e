using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Store.Changes;

/// <summary>
/// <see cref="IChangeFeed"/> across nodes: <c>pg_notify('edge_changes', topic)</c> to publish, and a connection of
/// its own (outside the pool) that <c>LISTEN</c>s. When that connection is lost, it reconnects with a short backoff
/// and then calls every subscriber, since notifications sent meanwhile are gone.
/// </summary>
public sealed class PostgresChangeFeed(NpgsqlDataSource dataSource, IOptions<StoreOptions> options, ILogger<PostgresChangeFeed> logger)
    : BackgroundService, IChangeFeed
{
    public const string Channel = "edge_changes";

    private readonly InProcessChangeFeed _local = new();

    public void Subscribe(string topic, Action changed) => _local.Subscribe(topic, changed);

    public async Task PublishAsync(string topic, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT pg_notify('{Channel}', $1)");
        command.Parameters.Add(new() { Value = topic });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.Postgres.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 5,
        }.ConnectionString;
        var delay = TimeSpan.FromMilliseconds(250);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!first)
                {
                    logger.LogInformation("Change feed listening again: every cache reloads");
                    _local.NotifyAll();
                }

                first = false;
                delay = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(TimeSpan.FromSeconds(10), stoppingToken);
                    if (connection.FullState.HasFlag(System.Data.ConnectionState.Broken))
                    {
                        throw new NpgsqlException("the listening connection broke");
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                first = false;
                logger.LogWarning("Change feed lost its connection ({Error}); retrying in {Delay} ms", ex.Message, (int)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(5_000, delay.TotalMilliseconds * 2));
            }
        }
    }

    private void Dispatch(string topic)
    {
        try
        {
            _local.Notify(topic);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A subscriber of change topic {Topic} failed", topic);
        }
    }
}
