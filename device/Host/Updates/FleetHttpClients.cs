using Edge.Device.Provisioning;

namespace Edge.Device.Updates;

/// <summary>
/// Clients for the fleet's HTTPS (release downloads, update reports), each made when asked with a handler that trusts
/// the CA pinned at provisioning (<see cref="FleetCaTrust"/>), and no timeout of its own: the caller sets its deadline.
/// </summary>
/// <remarks>
/// Not the framework's client factory, nor an implementation of its interface: either loads System.Net.Http at start
/// (the factory is made with the first service naming it; a class implementing the interface has its method's
/// signature matched, HttpClient included, when the class is loaded) into a host that may never download (issue 14
/// row e). Registered by a factory delegate for the same reason: the container would read the constructors' parameters.
/// A report or a download is rare enough that a connection per request costs nothing that matters.
/// </remarks>
public sealed class FleetHttpClients
{
    private readonly FleetCaTrust? _trust;
    private readonly HttpMessageHandler? _handler;

    public FleetHttpClients(FleetCaTrust trust) => _trust = trust;

    /// <summary>Every client sends through <paramref name="handler"/>, which they do not dispose (tests).</summary>
    public FleetHttpClients(HttpMessageHandler handler) => _handler = handler;

    public HttpClient Create() => _handler is { } handler
        ? new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
        : new(_trust!.CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
}
