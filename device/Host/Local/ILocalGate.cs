namespace Edge.Device.Local;

/// <summary>
/// A listener of the local endpoint's beside loopback (the centre's LAN port): it adds its address to the listener and
/// answers every request that arrives on its port itself; the local routes never see them.
/// </summary>
public interface ILocalGate
{
    /// <summary>The address and port to listen on, or null when the gate is off.</summary>
    System.Net.IPEndPoint? ListenOn { get; }

    /// <summary>Whether a request that arrived on this local port is the gate's.</summary>
    bool Takes(int localPort);

    Task<LocalAnswer> AnswerAsync(LocalRequest request);

    /// <summary>
    /// A request on the gate's port that could not be read (a head over 16 KiB or not HTTP, a body without a length or
    /// over the limit, a head or body not complete in time): the endpoint answers and closes; the gate counts and logs it.
    /// </summary>
    void OnUnreadable(System.Net.IPAddress remote, int status, string why);
}
