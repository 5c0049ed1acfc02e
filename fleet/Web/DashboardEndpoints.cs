using System.Reflection;

namespace Edge.Fleet.Web;

/// <summary>
/// The centre managers' dashboard: plain HTML, JavaScript and CSS embedded in the fleet's assembly (no build step,
/// no CDN: a centre's machine may be offline), served at <c>/dashboard/</c>. The page itself is public (it holds no
/// data); everything it shows comes from the REST API with the user's session, and it offers a login when the API
/// answers 401.
/// </summary>
public static class DashboardEndpoints
{
    private const string ResourcePrefix = "Edge.Fleet.Web.Dashboard.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/dashboard/")).AllowAnonymous();
        app.MapGet("/dashboard/{file?}", (string? file, HttpRequest request) =>
            string.IsNullOrEmpty(file) && !request.Path.Value!.EndsWith('/')
                // The page's relative links need the trailing slash; routing matches /dashboard with or without it.
                ? Results.Redirect("/dashboard/")
                : Serve(string.IsNullOrEmpty(file) ? "index.html" : file)).AllowAnonymous();
        return app;
    }

    private static IResult Serve(string file)
    {
        var extension = Path.GetExtension(file);
        if (file.Contains('/') || !ContentTypes.TryGetValue(extension, out var contentType))
        {
            return Results.NotFound();
        }

        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file);
        return stream is null
            ? Results.NotFound()
            : Results.Stream(stream, contentType);
    }
}
