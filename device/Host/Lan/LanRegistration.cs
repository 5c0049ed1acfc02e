using Edge.Device.Configuration;

namespace Edge.Device.Lan;

public static class LanRegistration
{
    /// <summary>The centre's LAN: options, known peers, the signed client and the counts (the gate is <see cref="UseLanGate"/>).</summary>
    public static IServiceCollection AddLan(this IServiceCollection services)
    {
        services.AddCheckedOptions<LanOptions>(LanOptions.Section);
        services.AddSingleton<LanCounts>();
        services.AddSingleton<LanPeers>();
        services.AddSingleton<LanClient>();
        return services;
    }

    /// <summary>Requests on the LAN port reach the LAN handlers only, signed; <c>GET /lan</c> (loopback) shows the counts.</summary>
    public static WebApplication UseLanGate(this WebApplication app)
    {
        app.UseMiddleware<LanGate>();
        app.MapGet("/lan", (LanCounts counts, Microsoft.Extensions.Options.IOptions<LanOptions> options) => Results.Json(
            new LanView(options.Value.Enabled, options.Value.Listen, counts.Refused, counts.LocalCalls, counts.TakenElsewhere, counts.PeerFailures),
            Local.LocalJson.Default.LanView));
        return app;
    }
}

/// <summary>The local <c>/lan</c> view.</summary>
public sealed record LanView(bool Enabled, string Listen, long Refused, long LocalCalls, long TakenElsewhere, long PeerFailures);
