namespace Edge.Fleet.Broker;

/// <summary>
/// Device accounts at the MQTT broker, for a broker that does not ask the registry at each connection (an external
/// broker). The embedded broker checks the registry itself, so there this does nothing. Provisioning calls
/// <see cref="GrantAsync"/> before it hands a secret out (a failure refuses the provisioning, so a device never holds
/// a secret the broker does not know); retiring calls <see cref="RevokeAsync"/>; replacing calls
/// <see cref="DemoteAsync"/> on the replaced device.
/// </summary>
public interface IBrokerAccounts
{
    /// <summary>
    /// Lets <paramref name="deviceId"/> connect with <paramref name="secret"/> and use its own topics: a device's, or a
    /// lower fleet's when <paramref name="role"/> is <see cref="DeviceRoles.Fleet"/>.
    /// </summary>
    Task GrantAsync(string deviceId, string role, string secret, CancellationToken cancellationToken);

    /// <summary>Refuses the device from now on and closes its open session.</summary>
    Task RevokeAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>A replaced device may still hand in its buffered events and hear their acks, nothing else.</summary>
    Task DemoteAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>The embedded broker asks the registry (<see cref="IDeviceAuthenticator"/>) at every connection and publish: nothing to keep in step.</summary>
public sealed class RegistryCheckedBrokerAccounts : IBrokerAccounts
{
    public Task GrantAsync(string deviceId, string role, string secret, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RevokeAsync(string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DemoteAsync(string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
