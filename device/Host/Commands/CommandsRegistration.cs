using Edge.Device.Configuration;
using Edge.Device.Local;
using Edge.Device.Uplink;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Commands;

public static class CommandsRegistration
{
    /// <summary>Commands from the fleet on <c>edge/v1/{device}/cmd/{id}</c> (README.md here).</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddListedOptions<CommandsOptions>(CommandsOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HandledCommandStore(
            Path.Combine(sp.GetRequiredService<IOptions<DeviceOptions>>().Value.ResolvedDataDir, HandledCommandStore.FileName),
            sp.GetRequiredService<IOptions<CommandsOptions>>().Value.RememberIds));
        services.AddSingleton<CommandCounts>();
        services.AddSingleton<CommandReceiver>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<CommandReceiver>());
        services.AddSingleton<ICommandAction, IdentifyAction>();
        services.AddSingleton<ICommandAction, TestPrintAction>();
        services.AddSingleton<ICommandAction, DisplayTestAction>();
        services.AddSingleton<ICommandAction, RestartAction>();
        services.AddSingleton<ICommandAction, RebootAction>();
        services.AddSingleton<ICommandAction, FlushOutboxAction>();
        services.AddSingleton<RecentLogLines>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<RecentLogLines>());
        services.AddSingleton<ICommandAction, LogTailAction>();
        services.AddHostedService<CommandRunner>();
        return services;
    }

    /// <summary>GET /commands: the newest handled commands and the counts of refusals.</summary>
    public static LocalRoutes MapCommands(this LocalRoutes routes)
    {
        routes.MapGet("/commands", r =>
        {
            var (ledger, counters) = (r.Service<HandledCommandStore>(), r.Service<CommandCounts>());
            return LocalAnswer.Json(
                new CommandsView(ledger.Newest(50), counters.Run, counters.Repeated, counters.Expired, counters.Unknown, counters.Malformed, counters.Refused),
                CommandsViewJson.Default.CommandsView);
        });
        return routes;
    }
}

/// <summary>GET /commands on the local endpoint.</summary>
public sealed record CommandsView(IReadOnlyList<HandledCommand> Handled, long Run, long Repeated, long Expired, long Unknown, long Malformed, long Refused);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CommandsView))]
internal sealed partial class CommandsViewJson : System.Text.Json.Serialization.JsonSerializerContext;
