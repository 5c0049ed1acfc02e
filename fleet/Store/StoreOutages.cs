using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Edge.Fleet.Store;

/// <summary>
/// Which of this node's store files cannot be used now, and why: each file that reopens itself
/// (<see cref="Lite.ReopeningLiteFile{TView}"/>) reports here when its engine fails and when it is back. One log line
/// per outage and one when it ends (a full disk makes background writers fail several times a second: they stay quiet
/// and are counted in <see cref="StoreState.Refused"/>). Read by <c>/healthz</c> and <c>/metrics</c>.
/// </summary>
public sealed partial class StoreOutages(ILogger<StoreOutages> logger, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _stores = new(StringComparer.Ordinal);

    /// <summary>A store this node uses; shown as up until it reports otherwise.</summary>
    public void Known(string store) => _stores.GetOrAdd(store, _ => new Entry());

    /// <summary>The store's engine failed: logged once per outage, counted.</summary>
    public void Down(string store, string reason)
    {
        var entry = _stores.GetOrAdd(store, _ => new Entry());
        lock (entry)
        {
            entry.Reason = reason;
            if (entry.Since is not null)
            {
                return;
            }

            entry.Since = time.GetUtcNow();
            entry.Outages++;
        }

        LogDown(store, reason);
    }

    /// <summary>The store's file is open again.</summary>
    public void Up(string store)
    {
        var entry = _stores.GetOrAdd(store, _ => new Entry());
        DateTimeOffset since;
        lock (entry)
        {
            if (entry.Since is not { } down)
            {
                return;
            }

            since = down;
            entry.Since = null;
            entry.Reason = null;
        }

        LogUp(store, (time.GetUtcNow() - since).TotalSeconds);
    }

    /// <summary>A call the store refused while it was down (answered <see cref="StoreUnavailableException"/>).</summary>
    public void Refused(string store)
    {
        var entry = _stores.GetOrAdd(store, _ => new Entry());
        Interlocked.Increment(ref entry.Refused);
    }

    /// <summary>Every known store, by name.</summary>
    public IReadOnlyList<StoreState> Snapshot() => _stores
        .OrderBy(s => s.Key, StringComparer.Ordinal)
        .Select(s =>
        {
            lock (s.Value)
            {
                return new StoreState(s.Key, s.Value.Reason, s.Value.Since, s.Value.Outages, Interlocked.Read(ref s.Value.Refused));
            }
        })
        .ToList();

    /// <summary>The stores that are down, as one line ("presence: …; registry: …"), or null when all are up.</summary>
    public string? Problem()
    {
        var down = Snapshot().Where(s => s.Reason is not null).Select(s => $"{s.Name}: {s.Reason}").ToList();
        return down.Count == 0 ? null : string.Join("; ", down);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Store {Store} cannot be used, calls are answered 503 and it is reopened with backoff: {Reason}")]
    private partial void LogDown(string store, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Store} reopened after {Seconds:0.0} s: storing resumes")]
    private partial void LogUp(string store, double seconds);

    private sealed class Entry
    {
        public string? Reason;
        public DateTimeOffset? Since;
        public long Outages;
        public long Refused;
    }
}

/// <summary>One store file's state: <see cref="Reason"/> is null while it is up.</summary>
public sealed record StoreState(string Name, string? Reason, DateTimeOffset? DownSince, long Outages, long Refused);

public static class StoreOutagesRegistration
{
    /// <summary>Registers the node's one <see cref="StoreOutages"/> (idempotent: every store registration may call it).</summary>
    public static IServiceCollection AddStoreOutages(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreOutages>();
        return services;
    }
}
