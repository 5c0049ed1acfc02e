using System.Threading.Channels;
using Edge.Fleet.Store;

namespace Edge.Fleet.Devices;

/// <summary>
/// Writes the statuses of one moment in one store write (<see cref="IPresenceStore.ApplyAsync"/>): each turn takes
/// everything queued, in the order it came, so a device's last status of a turn is the one that stays. In a reconnect
/// storm of 10,000 devices a transaction per status was about 13% of the fleet's CPU (issue 14). A write that fails
/// leaves its statuses unstored (answered false, logged once): the device's next status puts presence right, and
/// liveness still follows heartbeats and stored events.
/// </summary>
public sealed class PresenceWriter : IDisposable
{
    /// <summary>Upper bound of one write, so that one turn cannot hold the statuses behind it for long.</summary>
    private const int MaxPerWrite = 1024;

    private readonly IPresenceStore _store;
    private readonly ILogger _logger;
    private readonly Action<PresenceChange, bool> _written;
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="store">Where presence is kept.</param>
    /// <param name="logger">Where a failed write is told.</param>
    /// <param name="written">Told of each change once it is stored, with what it changed, before its caller is released.</param>
    public PresenceWriter(IPresenceStore store, ILogger logger, Action<PresenceChange, bool> written)
    {
        _store = store;
        _logger = logger;
        _written = written;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues <paramref name="change"/> behind every change queued before it; the task completes once it is stored,
    /// with whether it changed the device's state (false when it could not be stored).
    /// </summary>
    public Task<bool> WriteAsync(PresenceChange change)
    {
        var queued = new Queued(change, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(queued) ? queued.Stored.Task : Task.FromResult(false);
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task RunAsync()
    {
        var turn = new List<Queued>();
        while (await _queue.Reader.NextTurnAsync(turn, MaxPerWrite).ConfigureAwait(false))
        {
            await WriteTurnAsync(turn).ConfigureAwait(false);
        }
    }

    private async Task WriteTurnAsync(List<Queued> turn)
    {
        IReadOnlyList<bool> changed;
        try
        {
            changed = await _store.ApplyAsync(turn.ConvertAll(q => q.Change), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is not StoreUnavailableException)
            {
                // A store outage is logged once per outage and counted by StoreOutages.
                _logger.LogWarning("Could not record {Count} device statuses (the first of {Device}): {Error}", turn.Count, turn[0].Change.DeviceId, ex.Message);
            }

            turn.ForEach(q => q.Stored.TrySetResult(false));
            return;
        }

        for (var i = 0; i < turn.Count; i++)
        {
            _written(turn[i].Change, changed[i]);
            turn[i].Stored.TrySetResult(changed[i]);
        }
    }

    private sealed record Queued(PresenceChange Change, TaskCompletionSource<bool> Stored);
}
