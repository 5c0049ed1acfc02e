using System.Collections.Concurrent;
using Edge.Fleet.Broker;
using Edge.Fleet.Store.Changes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Registry;

/// <summary>
/// The devices the fleet knows by credentials: who they are (centre, counter, role), whether they may connect,
/// and their secret's hash. The broker asks about a device on every connect, publish and subscribe, so every device
/// is held in memory: a cache of <see cref="IDeviceStore"/>, loaded at first use and reloaded whenever
/// <see cref="ChangeTopics.Devices"/> is published (by any node, after every committed change), so that a device
/// retired on one node is refused by the others within the time of a notification and a reload.
/// </summary>
public sealed class DeviceRegistry
{
    private readonly IDeviceStore _store;
    private readonly IChangeFeed _changes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _loadLock = new();
    private readonly VerifiedSecrets _verified = new();
    private readonly ConcurrentDictionary<string, DateTime> _unflushedSeen = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<string, RegisteredDevice> _byId = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    // Bumped after every change of which devices there are or of what they are (not after Seen, which changes only
    // when a device was last seen): DeviceIdsOf's index is good while it is unchanged.
    private int _membership;
    private volatile CentreIndex? _centres;

    // 0: no reload running; 1: one running; 2: one running and another asked for meanwhile.
    private int _reloadState;

    public DeviceRegistry(IDeviceStore store, IChangeFeed changes, TimeProvider time, ILogger<DeviceRegistry> logger)
    {
        _store = store;
        _changes = changes;
        _time = time;
        _logger = logger;
        changes.Subscribe(ChangeTopics.Devices, RequestReload);
    }

    /// <summary>A registry on an embedded registry file, alone in its process (tools and tests).</summary>
    public DeviceRegistry(RegistryFile db, TimeProvider time)
        : this(new LiteDeviceStore(db), new InProcessChangeFeed(), time, NullLogger<DeviceRegistry>.Instance)
    {
    }

    public RegisteredDevice? Find(string? id) => id is not null && Devices.TryGetValue(id, out var device) ? device : null;

    public IReadOnlyList<RegisteredDevice> List() => Devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();

    /// <summary>The centre a device belongs to, or null for a device the registry does not know.</summary>
    public string? CentreOf(string deviceId) => Find(deviceId)?.Centre;

    /// <summary>
    /// The ids of a centre's devices (every status), in id order. Asked at every status of a device coming online
    /// (<c>CentreLanPublisher</c>), so it answers from a per-centre index built once per change of membership rather
    /// than a scan of every device: in a reconnect storm of 10,000 devices a scan each was 10⁸ comparisons.
    /// </summary>
    public IReadOnlyList<string> DeviceIdsOf(string centre)
    {
        var index = _centres;
        if (index is null || index.Membership != Volatile.Read(ref _membership))
        {
            // Read the version before the devices: a change made meanwhile makes the next call build again.
            var membership = Volatile.Read(ref _membership);
            index = new CentreIndex(membership, Devices.Values
                .GroupBy(d => d.Centre, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal));
            _centres = index;
        }

        return index.IdsByCentre.TryGetValue(centre, out var ids) ? ids : [];
    }

    /// <summary>The centre's active devices, in id order (from <see cref="DeviceIdsOf"/>'s index).</summary>
    public IReadOnlyList<RegisteredDevice> ActiveDevicesOf(string centre) =>
        DeviceIdsOf(centre).Select(Find).OfType<RegisteredDevice>().Where(d => d.Status == DeviceStates.Active).ToList();

    /// <summary>The device when <paramref name="secret"/> is its secret and it may connect; null otherwise.</summary>
    public RegisteredDevice? Authenticate(string deviceId, string? secret)
    {
        var device = Find(deviceId);
        secret ??= "";
        if (device is not null && _verified.AreKnown(device.Id, device.SecretHash, secret))
        {
            return device;
        }

        // Hash even for an unknown device, so that timing does not tell which device ids exist (only a secret that
        // was right before takes the quick way above).
        if (!SecretHash.Verify(secret, device?.SecretHash ?? UnknownDeviceHash) || device is null)
        {
            return null;
        }

        _verified.Remember(device.Id, device.SecretHash, secret);
        return device;
    }

    /// <summary>Retires a device: it can never connect again. Returns the updated device, null when unknown.</summary>
    public async Task<RegisteredDevice?> RetireAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (await _store.RetireAsync(deviceId, _time.GetUtcNow().UtcDateTime, cancellationToken) is not { } retired)
        {
            return null;
        }

        await PublishAsync([retired], cancellationToken);
        return retired;
    }

    /// <summary>Synchronous <see cref="RetireAsync"/>, for callers that cannot await.</summary>
    public RegisteredDevice? Retire(string deviceId) => RetireAsync(deviceId, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Remembers when a device last connected: in memory at once, in the store at the next flush
    /// (<see cref="LastSeenFlusher"/>, every few seconds, all devices seen meanwhile in one write), so that a
    /// reconnect storm of thousands of devices costs a few writes, not one per connection. Losing the last few
    /// seconds of it in a crash is harmless.
    /// </summary>
    public void Seen(string deviceId)
    {
        if (Find(deviceId) is not { } current)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var seen = Copy(current);
        seen.LastSeenAt = now;
        Devices[deviceId] = seen;
        _unflushedSeen[deviceId] = now;
    }

    /// <summary>Writes what <see cref="Seen"/> gathered since the last flush; returns how many devices it wrote.</summary>
    public async Task<int> FlushSeenAsync(CancellationToken cancellationToken)
    {
        if (_unflushedSeen.IsEmpty)
        {
            return 0;
        }

        var batch = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var id in _unflushedSeen.Keys)
        {
            if (_unflushedSeen.TryRemove(id, out var at))
            {
                batch[id] = at;
            }
        }

        try
        {
            await _store.RecordSeenAsync(batch, cancellationToken);
        }
        catch
        {
            // Keep them for the next flush (unless seen again meanwhile, which is newer).
            foreach (var (id, at) in batch)
            {
                _unflushedSeen.TryAdd(id, at);
            }

            throw;
        }

        return batch.Count;
    }

    /// <summary>
    /// Makes committed devices visible at once on this node, and tells every node to reload (this one included,
    /// which makes sure the cache ends equal to the store whatever order the changes came in).
    /// </summary>
    internal async Task PublishAsync(IEnumerable<RegisteredDevice> devices, CancellationToken cancellationToken)
    {
        foreach (var device in devices)
        {
            Devices[device.Id] = device;
        }

        Interlocked.Increment(ref _membership);
        await _changes.PublishAsync(ChangeTopics.Devices, cancellationToken);
    }

    /// <summary>Drops devices from this node's cache at once (a redemption undone), and tells every node to reload.</summary>
    internal async Task ForgetAsync(string deviceId, CancellationToken cancellationToken)
    {
        Devices.TryRemove(deviceId, out _);
        Interlocked.Increment(ref _membership);
        await _changes.PublishAsync(ChangeTopics.Devices, cancellationToken);
    }

    /// <summary>Reads every device from the store and replaces the cache with them.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(cancellationToken);
        var fresh = new ConcurrentDictionary<string, RegisteredDevice>(StringComparer.Ordinal);
        foreach (var device in stored)
        {
            // A connection seen here but not flushed yet is newer than what the store has.
            if (_unflushedSeen.TryGetValue(device.Id, out var seen) && (device.LastSeenAt is null || device.LastSeenAt < seen))
            {
                device.LastSeenAt = seen;
            }

            fresh[device.Id] = device;
        }

        _byId = fresh;
        _loaded = true;
        Interlocked.Increment(ref _membership);
    }

    private ConcurrentDictionary<string, RegisteredDevice> Devices
    {
        get
        {
            if (!_loaded)
            {
                lock (_loadLock)
                {
                    if (!_loaded)
                    {
                        ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
                    }
                }
            }

            return _byId;
        }
    }

    private void RequestReload()
    {
        while (true)
        {
            var state = Volatile.Read(ref _reloadState);
            if (state == 2)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _reloadState, state + 1, state) == state)
            {
                if (state == 0)
                {
                    _ = Task.Run(ReloadWhileAskedAsync);
                }

                return;
            }
        }
    }

    private async Task ReloadWhileAskedAsync()
    {
        while (true)
        {
            try
            {
                await ReloadAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Could not reload the device registry ({Error}); retrying in 2 s", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
                Interlocked.Exchange(ref _reloadState, 2);
            }

            if (Interlocked.CompareExchange(ref _reloadState, 0, 1) == 1)
            {
                return;
            }

            Interlocked.Exchange(ref _reloadState, 1);
        }
    }

    internal static RegisteredDevice Copy(RegisteredDevice d) => new()
    {
        Id = d.Id,
        Centre = d.Centre,
        Counter = d.Counter,
        Role = d.Role,
        Status = d.Status,
        ReplacedBy = d.ReplacedBy,
        SecretHash = d.SecretHash,
        CreatedAt = d.CreatedAt,
        LastSeenAt = d.LastSeenAt,
        RetiredAt = d.RetiredAt,
    };

    private static readonly string UnknownDeviceHash = SecretHash.HashKey(SecretHash.NewSecret());

    private sealed record CentreIndex(int Membership, Dictionary<string, string[]> IdsByCentre);
}
