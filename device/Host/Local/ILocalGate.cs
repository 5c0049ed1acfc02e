namespace Edge.Device.Local;

/// <summary>
/// A listener of the local endpoint's beside loopback (the centre's LAN port): it adds its address to the listener and
/// answers every request that arrives on its port itself; the local routes never see them.
/// </summary>
public interface ILocalGate
{
    /// <summary>The HttpListener prefix to listen on (<c>http://address:port/</c>), or null when the gate is off.</summary>
    string? Prefix { get; }

    /// <summary>Whether a request that arrived on this local port is the gate's.</summary>
    bool Takes(int localPort);

    Task<LocalAnswer> AnswerAsync(LocalRequest request);
}
