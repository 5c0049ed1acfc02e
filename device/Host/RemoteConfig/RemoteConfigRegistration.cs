using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Local;
using Microsoft.Extensions.Options;
using Edge.Device.Provisioning;
using Edge.Device.Uplink;

namespace Edge.Device.RemoteConfig;

public static class RemoteConfigRegistration
{
    /// <summary>
    /// The fleet's configuration (README.md here): the last good one from <c>{DataDir}/remote-config.json</c> becomes the
    /// top configuration layer before anything binds its options (checked first by the same validators: a stored
    /// configuration that no longer fits the local one is set aside, never a reason not to start), and the device
    /// applies and reports what the fleet sends on <c>edge/v1/{device}/config</c>. Call after provisioning.
    /// </summary>
    public static HostApplicationBuilder AddRemoteConfig(this HostApplicationBuilder builder)
    {
        var file = new RemoteConfigFile(Path.Combine(IdentityLocation.DataDirOf(builder.Configuration), RemoteConfigFile.FileName));
        var layer = new RemoteConfigLayer();
        var atStart = LoadAtStart(file, builder.Configuration);
        if (atStart.Problem is { } problem)
        {
            Console.Error.WriteLine($"warning: {problem}");
        }

        layer.Replace(atStart.Config);
        ((IConfigurationBuilder)builder.Configuration).Add(layer);

        var services = builder.Services;
        services.AddSingleton(layer);
        services.AddSingleton(file);
        services.AddSingleton(atStart);
        services.AddSingleton<RemoteConfigCounts>();
        services.AddSingleton<RemoteConfigReceiver>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<RemoteConfigReceiver>());
        services.AddSingleton<DesiredConfigApplier>();
        services.AddHostedService(sp => sp.GetRequiredService<DesiredConfigApplier>());
        // Checked like every section (a bad local value stops start-up naming the key).
        services.AddListedOptions<OpeningHoursOptions>(OpeningHoursOptions.Section);
        return builder;
    }

    /// <summary>GET /remote-config: the fleet's configuration in effect, the last report, and the counts of refusals.</summary>
    public static LocalRoutes MapRemoteConfig(this LocalRoutes routes)
    {
        routes.MapGet("/remote-config", r =>
        {
            var (layer, applier, counters, atStart) = (r.Service<RemoteConfigLayer>(), r.Service<DesiredConfigApplier>(), r.Service<RemoteConfigCounts>(), r.Service<RemoteConfigAtStart>());
            return LocalAnswer.Json(
                new RemoteConfigView(layer.Current, atStart.Config?.Version ?? 0, atStart.Problem, applier.LastReport,
                    counters.Applied, counters.Invalid, counters.Malformed, counters.Oversized),
                RemoteConfigViewJson.Default.RemoteConfigView);
        });
        return routes;
    }

    private static RemoteConfigAtStart LoadAtStart(RemoteConfigFile file, IConfigurationRoot configuration)
    {
        Wire.DesiredConfig? stored;
        try
        {
            stored = file.Load();
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return new RemoteConfigAtStart(null, $"{file.Path} is unreadable ({ex.Message}); starting with the local configuration");
        }

        if (stored?.Settings is null)
        {
            return new RemoteConfigAtStart(null, null);
        }

        var problems = new DesiredConfigCheck(configuration.Providers.ToList(), RemoteSectionChecks.All).Problems(stored.Settings);
        return problems.Count == 0
            ? new RemoteConfigAtStart(stored, null)
            : new RemoteConfigAtStart(null, $"stored remote configuration v{stored.Version} does not fit the local configuration ({string.Join("; ", problems)}); starting without it");
    }
}
