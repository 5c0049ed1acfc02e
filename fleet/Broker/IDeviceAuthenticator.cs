namespace Edge.Fleet.Broker;

/// <summary>
/// Who a broker client is, as the embedded broker asks at every connection, publish and subscribe: answered by the
/// registry (fleet/Registry implements it), which the broker does not name. Synchronous: the answers come from memory.
/// </summary>
public interface IDeviceAuthenticator
{
    /// <summary>The entry when <paramref name="secret"/> is its secret (whether it may connect or not); null otherwise.</summary>
    IDeviceIdentity? Authenticate(string deviceId, string? secret);

    /// <summary>The entry of <paramref name="clientId"/>, or null for a client the registry does not know.</summary>
    IDeviceIdentity? Find(string? clientId);

    /// <summary>The device connected (it authenticated and may connect): remembered as its last connection.</summary>
    void Connected(string deviceId);
}

/// <summary>What the broker's rules read of a registry entry.</summary>
public interface IDeviceIdentity
{
    string Id { get; }

    /// <summary>One of <see cref="DeviceRoles"/>.</summary>
    string Role { get; }

    /// <summary>One of <see cref="DeviceStates"/>.</summary>
    string Status { get; }

    /// <summary>May connect to the broker: active, or replaced (it may still hand in what it buffered).</summary>
    bool MayConnect { get; }
}
