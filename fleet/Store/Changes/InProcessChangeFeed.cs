using System.Collections.Concurrent;

namespace Edge.Fleet.Store.Changes;

/// <summary>One node with its own files: a change is known to this process only, so subscribers are called at once.</summary>
public sealed class InProcessChangeFeed : IChangeFeed
{
    private readonly ConcurrentDictionary<string, List<Action>> _subscribers = new(StringComparer.Ordinal);

    public void Subscribe(string topic, Action changed)
    {
        var list = _subscribers.GetOrAdd(topic, _ => []);
        lock (list)
        {
            list.Add(changed);
        }
    }

    public Task PublishAsync(string topic, CancellationToken cancellationToken)
    {
        Notify(topic);
        return Task.CompletedTask;
    }

    /// <summary>Calls the subscribers of <paramref name="topic"/>.</summary>
    internal void Notify(string topic)
    {
        if (!_subscribers.TryGetValue(topic, out var list))
        {
            return;
        }

        Action[] callbacks;
        lock (list)
        {
            callbacks = [.. list];
        }

        foreach (var callback in callbacks)
        {
            callback();
        }
    }

    /// <summary>Calls every subscriber of every topic.</summary>
    internal void NotifyAll()
    {
        foreach (var topic in _subscribers.Keys)
        {
            Notify(topic);
        }
    }
}
