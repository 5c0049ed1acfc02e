using System.Globalization;
using System.Net;

namespace Edge.Device.Local;

/// <summary>
/// One request to the local endpoint as a handler sees it: its query values, parsed as minimal APIs bound them (a value
/// given but not parsable, or a required one missing, is a 400 through <see cref="BadLocalRequest"/>), the path's one
/// route value, its body, the host's services, and a token cancelled when the host gives up waiting for answers at
/// shutdown.
/// </summary>
public sealed class LocalRequest(
    HttpRequestHead head,
    byte[] body,
    IPEndPoint local,
    IPEndPoint remote,
    IServiceProvider services,
    CancellationToken aborted)
{
    public string Method => head.Method;

    /// <summary>The unescaped path, without the query.</summary>
    public string Path => head.Path;

    /// <summary>The last segment matched by a <c>{name}</c> in the route's path, unescaped.</summary>
    public string? RouteValue { get; internal set; }

    public byte[] Body => body;

    public CancellationToken Aborted => aborted;

    public int LocalPort => local.Port;

    public IPAddress RemoteAddress => remote.Address;

    public string Header(string name) => head.Headers.TryGetValue(name, out var value) ? value : "";

    public T Service<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>A query value as given (null when absent; names are case-insensitive).</summary>
    public string? Text(string name) => head.Query.TryGetValue(name, out var value) ? value : null;

    public string RequiredText(string name) =>
        Text(name) is { Length: > 0 } text ? text : throw new BadLocalRequest($"query value '{name}' is required");

    /// <summary>A query value parsed with the invariant culture; null when absent, 400 when not parsable.</summary>
    public T? Value<T>(string name)
        where T : struct, IParsable<T> =>
        Text(name) is not { Length: > 0 } text ? null
        : T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
        : throw new BadLocalRequest($"query value '{name}' is not a {typeof(T).Name}: '{text}'");

    public T Required<T>(string name)
        where T : struct, IParsable<T> =>
        Value<T>(name) ?? throw new BadLocalRequest($"query value '{name}' is required");
}

/// <summary>A request the endpoint refuses with 400 before (or instead of) answering it; counted as refused.</summary>
public sealed class BadLocalRequest(string message) : Exception(message);
