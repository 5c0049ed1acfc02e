namespace Edge.Fleet.Broker.External;

/// <summary>
/// Makes sure the fleet nodes' own login exists at the external broker before a node logs in with it. Only a broker
/// whose accounts the fleet keeps (Mosquitto's dynamic security plugin) needs this; otherwise the login is the
/// operator's (a password file, the broker's own auth backend) and this does nothing.
/// </summary>
public interface IBrokerLoginSetup
{
    Task EnsureFleetLoginAsync(CancellationToken cancellationToken);
}

/// <summary>The operator created the nodes' login at the broker.</summary>
public sealed class OperatorManagedBrokerLogin : IBrokerLoginSetup
{
    public Task EnsureFleetLoginAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
