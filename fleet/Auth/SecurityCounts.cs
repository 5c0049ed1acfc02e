using System.Collections.Concurrent;
using Edge.Fleet.Broker;

namespace Edge.Fleet.Auth;

/// <summary>
/// Refusals since this node started, by kind and reason (<c>GET /api/v1/security/counters</c>): what the broker
/// refused devices, what provisioning refused, failed logins. In memory, like the ingest counters; the audit log
/// keeps the durable record of provisioning and logins.
/// </summary>
public sealed class SecurityCounts : IBrokerRefusalCounts
{
    private readonly ConcurrentDictionary<string, long> _connectRefused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _provisionRefused = new(StringComparer.Ordinal);
    private long _publishRefused;
    private long _subscribeRefused;
    private long _disconnected;
    private long _provisioned;
    private long _loginFailed;
    private long _readOnlyWritesRefused;

    public void ConnectRefused(string reason) => _connectRefused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void PublishRefused() => Interlocked.Increment(ref _publishRefused);

    public void SubscribeRefused() => Interlocked.Increment(ref _subscribeRefused);

    public void Disconnected() => Interlocked.Increment(ref _disconnected);

    public void Provisioned() => Interlocked.Increment(ref _provisioned);

    public void ProvisionRefused(string reason) => _provisionRefused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void LoginFailed() => Interlocked.Increment(ref _loginFailed);

    /// <summary>A write by a read-only role (province officer, national viewer) was refused (<see cref="ReadOnlyRoleGate"/>).</summary>
    public void ReadOnlyWriteRefused() => Interlocked.Increment(ref _readOnlyWritesRefused);

    public SecurityCountsView Snapshot() => new(
        new Dictionary<string, long>(_connectRefused),
        Interlocked.Read(ref _publishRefused),
        Interlocked.Read(ref _subscribeRefused),
        Interlocked.Read(ref _disconnected),
        Interlocked.Read(ref _provisioned),
        new Dictionary<string, long>(_provisionRefused),
        Interlocked.Read(ref _loginFailed),
        Interlocked.Read(ref _readOnlyWritesRefused));
}

/// <summary>
/// <see cref="ConnectRefused"/> by reason (<c>bad-credentials</c>, <c>client-id-mismatch</c>, <c>retired</c>);
/// <see cref="PublishRefused"/>/<see cref="SubscribeRefused"/>: topic ACL refusals; <see cref="Disconnected"/>:
/// connections cut because their device was retired.
/// </summary>
public sealed record SecurityCountsView(
    Dictionary<string, long> ConnectRefused,
    long PublishRefused,
    long SubscribeRefused,
    long Disconnected,
    long Provisioned,
    Dictionary<string, long> ProvisionRefused,
    long LoginFailed,
    long ReadOnlyWritesRefused = 0);
