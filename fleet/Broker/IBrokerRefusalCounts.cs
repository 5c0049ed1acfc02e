namespace Edge.Fleet.Broker;

/// <summary>
/// Where the embedded broker counts what it refused devices (fleet/Auth's <c>SecurityCounts</c> implements it, shown at
/// <c>GET /api/v1/security/counters</c>).
/// </summary>
public interface IBrokerRefusalCounts
{
    /// <summary>A connection refused, by reason (<c>bad-credentials</c>, <c>client-id-mismatch</c>, <c>retired</c>).</summary>
    void ConnectRefused(string reason);

    /// <summary>A publish outside the client's topics.</summary>
    void PublishRefused();

    /// <summary>A subscription outside the client's topics.</summary>
    void SubscribeRefused();

    /// <summary>A connection cut because its device was retired.</summary>
    void Disconnected();
}
