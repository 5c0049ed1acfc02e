namespace Edge.Device.Local;

/// <summary>Answers one request to the local endpoint.</summary>
public delegate Task<LocalAnswer> LocalHandler(LocalRequest request);

/// <summary>
/// The local endpoint's routes: a method and a path (matched case-insensitively, a trailing slash ignored, as
/// ASP.NET Core's routing did), whose last segment may be a <c>{name}</c> taking one segment. Features add theirs
/// with MapX methods before the host is built.
/// </summary>
public sealed class LocalRoutes
{
    private readonly List<Route> _routes = [];

    public LocalRoutes MapGet(string path, LocalHandler handler) => Map("GET", path, handler);

    public LocalRoutes MapGet(string path, Func<LocalRequest, LocalAnswer> handler) => Map("GET", path, r => Task.FromResult(handler(r)));

    public LocalRoutes MapPost(string path, LocalHandler handler) => Map("POST", path, handler);

    public LocalRoutes MapPost(string path, Func<LocalRequest, LocalAnswer> handler) => Map("POST", path, r => Task.FromResult(handler(r)));

    /// <summary>The handler for the request's method and path; <paramref name="allowed"/> names the methods a known path takes.</summary>
    public LocalHandler? Find(string method, string path, out string? routeValue, out string? allowed)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        routeValue = null;
        allowed = null;
        foreach (var route in _routes)
        {
            if (!route.Matches(trimmed, out var value))
            {
                continue;
            }

            if (string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                routeValue = value;
                return route.Handler;
            }

            allowed = allowed is null ? route.Method : $"{allowed}, {route.Method}";
        }

        return null;
    }

    private LocalRoutes Map(string method, string path, LocalHandler handler)
    {
        _routes.Add(new Route(method, path, handler));
        return this;
    }

    private sealed record Route(string Method, string Path, LocalHandler Handler)
    {
        // "/hall/announcements/{file}": the part before the parameter, and whether there is one.
        private readonly string _fixed = Path.EndsWith('}') ? Path[..(Path.LastIndexOf('/') + 1)] : Path;

        public bool Matches(string path, out string? value)
        {
            value = null;
            if (!Path.EndsWith('}'))
            {
                return string.Equals(path, Path, StringComparison.OrdinalIgnoreCase);
            }

            if (path.Length <= _fixed.Length || !path.StartsWith(_fixed, StringComparison.OrdinalIgnoreCase) || path.IndexOf('/', _fixed.Length) >= 0)
            {
                return false;
            }

            value = path[_fixed.Length..];
            return true;
        }
    }
}
