using Edge.Fleet.Broker;
using LiteDB;

namespace Edge.Fleet.Registry;

/// <summary>A device the fleet issued credentials to (collection <c>devices</c> of <see cref="RegistryFile"/>).</summary>
public sealed class RegisteredDevice : IDeviceIdentity
{
    [BsonId]
    public string Id { get; set; } = "";

    public string Centre { get; set; } = "";

    public string Counter { get; set; } = "";

    /// <summary>One of <see cref="DeviceRoles"/>.</summary>
    public string Role { get; set; } = DeviceRoles.Counter;

    /// <summary>One of <see cref="DeviceStates"/>.</summary>
    public string Status { get; set; } = DeviceStates.Active;

    /// <summary>The device that took this one's counter, when <see cref="Status"/> is <see cref="DeviceStates.ReplacedBy"/>.</summary>
    public string? ReplacedBy { get; set; }

    /// <summary>Salted hash of the device secret (<see cref="Registry.SecretHash"/>); the secret itself is never stored.</summary>
    public string SecretHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSeenAt { get; set; }

    public DateTime? RetiredAt { get; set; }

    /// <summary>May connect to the broker: active, or replaced (it may still hand in what it buffered).</summary>
    public bool MayConnect => Status is DeviceStates.Active or DeviceStates.ReplacedBy;
}
