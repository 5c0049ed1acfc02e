using System.Globalization;
using System.Net;

namespace Edge.Device.Local;

/// <summary>
/// One request to the local endpoint as a handler sees it: its query values, parsed as minimal APIs bound them (a value
/// given but not parsable, or a required one missing, is a 400 through <see cref="BadLocalRequest"/>), the path's one
/// route value, the host's services, and a token cancelled when the host gives up waiting for answers at shutdown.
/// </summary>
public sealed class LocalRequest(HttpListenerRequest request, IServiceProvider services, string? routeValue, CancellationToken aborted)
{
    public string Method => request.HttpMethod;

    /// <summary>The unescaped path, without the query.</summary>
    public string Path { get; } = Uri.UnescapeDataString(request.Url?.AbsolutePath ?? "/");

    /// <summary>The last segment matched by a <c>{name}</c> in the route's path, unescaped.</summary>
    public string? RouteValue => routeValue;

    public CancellationToken Aborted => aborted;

    public int LocalPort => request.LocalEndPoint.Port;

    public IPAddress RemoteAddress => request.RemoteEndPoint.Address;

    public string Header(string name) => request.Headers[name] ?? "";

    public T Service<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>A query value as given (null when absent; names are case-insensitive).</summary>
    public string? Text(string name) => request.QueryString[name];

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

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]?> ReadBodyAsync(int maxBytes)
    {
        if (request.ContentLength64 > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk, aborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>A request the endpoint refuses with 400 before (or instead of) answering it; counted as refused.</summary>
public sealed class BadLocalRequest(string message) : Exception(message);
