namespace Edge.Device.Outbox;

/// <summary>
/// Wakes one waiting loop when something changed. Signals while nobody waits are kept (one is enough),
/// so a waiter never misses a change that happened between its check and its wait.
/// </summary>
public sealed class ChangeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Signal()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one pending wake-up is enough.
        }
    }

    /// <summary>True when signalled, false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
