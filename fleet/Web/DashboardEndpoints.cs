namespace Edge.Fleet.Web;

/// <summary>
/// The centre managers' dashboard: plain HTML, JavaScript and CSS embedded in the fleet's assembly (no build step,
/// no CDN: a centre's machine may be offline), served at <c>/dashboard/</c>. The page itself is public (it holds no
/// data); everything it shows comes from the REST API with the user's session, and it offers a login when the API
/// answers 401.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly EmbeddedFiles Files = new("Edge.Fleet.Web.Dashboard.");

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/dashboard/")).AllowAnonymous();
        app.MapGet("/dashboard/{file?}", (string? file, HttpRequest request) =>
            string.IsNullOrEmpty(file) && !request.Path.Value!.EndsWith('/')
                // The page's relative links need the trailing slash; routing matches /dashboard with or without it.
                ? Results.Redirect("/dashboard/")
                : Files.Serve(string.IsNullOrEmpty(file) ? "index.html" : file)).AllowAnonymous();
        return app;
    }
}
