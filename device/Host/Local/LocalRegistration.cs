using Edge.Device.Configuration;

namespace Edge.Device.Local;

public static class LocalRegistration
{
    /// <summary>
    /// The local endpoint on 127.0.0.1:<c>Local:Port</c> only (and the LAN gate's address when it has one); features
    /// add their routes to the returned table before the host is built. <c>GET /local</c> shows its counts.
    /// </summary>
    public static LocalRoutes AddLocalEndpoint(this IHostApplicationBuilder builder)
    {
        var routes = new LocalRoutes();
        builder.Services.AddListedOptions<LocalOptions>(LocalOptions.Section);
        builder.Services.AddSingleton(routes);
        builder.Services.AddSingleton<LocalCounts>();
        builder.Services.AddSingleton<LocalEndpoint>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalEndpoint>());
        routes.MapGet("/local", r =>
        {
            var counts = r.Service<LocalCounts>();
            return LocalAnswer.Json(new LocalView(counts.Answered, counts.Refused, counts.Failed), LocalJson.Default.LocalView);
        });
        return routes;
    }
}
