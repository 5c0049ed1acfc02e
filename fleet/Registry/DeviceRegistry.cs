using System.Collections.Concurrent;
using Edge.Fleet.Auth;
using LiteDB;

namespace Edge.Fleet.Registry;

/// <summary>
/// The devices the fleet knows by credentials: who they are (centre, counter, role), whether they may connect,
/// and their secret's hash. Every device is also held in memory, because the broker asks about it on every
/// connect, publish and subscribe; writes go to disk first, then to memory.
/// </summary>
public sealed class DeviceRegistry
{
    public const string Collection = "devices";

    private readonly RegistryDatabase _db;
    private readonly ILiteCollection<RegisteredDevice> _devices;
    private readonly ConcurrentDictionary<string, RegisteredDevice> _byId = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public DeviceRegistry(RegistryDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
        _devices = db.Collection<RegisteredDevice>(Collection);
        _devices.EnsureIndex(d => d.Centre);
        foreach (var device in _devices.FindAll())
        {
            _byId[device.Id] = device;
        }
    }

    public RegisteredDevice? Find(string? id) => id is not null && _byId.TryGetValue(id, out var device) ? device : null;

    public IReadOnlyList<RegisteredDevice> List() => _byId.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();

    /// <summary>The centre a device belongs to, or null for a device the registry does not know.</summary>
    public string? CentreOf(string deviceId) => Find(deviceId)?.Centre;

    public IReadOnlyList<string> DeviceIdsOf(string centre) =>
        _byId.Values.Where(d => d.Centre == centre).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>The device when <paramref name="secret"/> is its secret and it may connect; null otherwise.</summary>
    public RegisteredDevice? Authenticate(string deviceId, string? secret)
    {
        var device = Find(deviceId);
        // Hash even for an unknown device, so that timing does not tell which device ids exist.
        var ok = SecretHash.Verify(secret ?? "", device?.SecretHash ?? UnknownDeviceHash);
        return ok && device is not null ? device : null;
    }

    /// <summary>Inside a <see cref="RegistryDatabase.Write{T}"/>: adds a new device (call <see cref="Publish"/> after the commit).</summary>
    internal void InsertInTransaction(RegisteredDevice device) => _devices.Insert(device);

    /// <summary>Inside a <see cref="RegistryDatabase.Write{T}"/>: replaces a stored device.</summary>
    internal void UpdateInTransaction(RegisteredDevice device) => _devices.Update(device);

    /// <summary>Makes committed devices visible to the broker.</summary>
    internal void Publish(params RegisteredDevice[] devices)
    {
        foreach (var device in devices)
        {
            _byId[device.Id] = device;
        }
    }

    /// <summary>Retires a device: it can never connect again. Returns the updated device, null when unknown.</summary>
    public RegisteredDevice? Retire(string deviceId)
    {
        if (Find(deviceId) is not { } current)
        {
            return null;
        }

        var retired = Copy(current);
        retired.Status = DeviceStates.Retired;
        retired.RetiredAt = _time.GetUtcNow().UtcDateTime;
        _db.Write(() => _devices.Update(retired));
        Publish(retired);
        return retired;
    }

    /// <summary>Remembers when a device last connected (not made durable: losing one is harmless).</summary>
    public void Seen(string deviceId)
    {
        if (Find(deviceId) is not { } current)
        {
            return;
        }

        var seen = Copy(current);
        seen.LastSeenAt = _time.GetUtcNow().UtcDateTime;
        _byId[deviceId] = seen;
        _devices.Update(seen);
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

    private static readonly string UnknownDeviceHash = SecretHash.Hash(SecretHash.NewSecret(), SecretHash.DeviceSecretIterations);
}

/// <summary>Open broker connections of devices, so that retiring one can cut it off at once.</summary>
public interface IDeviceSessions
{
    /// <summary>Disconnects the device if it is connected; true when a connection was closed.</summary>
    Task<bool> DisconnectAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>
/// Device accounts at the MQTT broker, for a broker that does not ask the registry at each connection (an external
/// broker). The embedded broker checks the registry itself, so there this does nothing. Provisioning calls
/// <see cref="GrantAsync"/> before it hands a secret out (a failure refuses the provisioning, so a device never holds
/// a secret the broker does not know); retiring calls <see cref="RevokeAsync"/>; replacing calls
/// <see cref="DemoteAsync"/> on the replaced device.
/// </summary>
public interface IBrokerAccounts
{
    /// <summary>Lets <paramref name="deviceId"/> connect with <paramref name="secret"/> and use its own topics.</summary>
    Task GrantAsync(string deviceId, string secret, CancellationToken cancellationToken);

    /// <summary>Refuses the device from now on and closes its open session.</summary>
    Task RevokeAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>A replaced device may still hand in its buffered events and hear their acks, nothing else.</summary>
    Task DemoteAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>The embedded broker asks the registry at every connection and publish: nothing to keep in step.</summary>
public sealed class RegistryCheckedBrokerAccounts : IBrokerAccounts
{
    public Task GrantAsync(string deviceId, string secret, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RevokeAsync(string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DemoteAsync(string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
