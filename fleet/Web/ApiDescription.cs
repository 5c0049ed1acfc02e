namespace Edge.Fleet.Web;

/// <summary>
/// The REST API's OpenAPI document, built by ASP.NET Core from the endpoints themselves (<c>AddOpenApi</c>), served at
/// <c>GET /openapi/v1.json</c>. Anonymous: it describes the open-source API (every route, parameter and answer shape)
/// and holds no fleet data, and a script writer or client generator needs it before having a token; every route it
/// describes still asks for its own login. A test compares it with the application's real endpoints.
/// </summary>
public static class ApiDescription
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddApiDescription(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
