using System.Security.Claims;
using System.Text.Json.Serialization;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Hosting;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Commands;

public static class CommandsRegistration
{
    /// <summary>Audit action of a command sent (or refused) through the API.</summary>
    public const string AuditSent = "command.sent";

    /// <summary>
    /// Commands to devices (README.md here): in commands.db of Fleet:DataDir, or in PostgreSQL with
    /// <c>Store:Kind=postgres</c>. Call after <c>AddSelectedEventStore</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCommands(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCheckedOptions<CommandsOptions>(CommandsOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddDeviceDownlink();
        builder.AddFleetStore<ICommandStore>(
            sp => new LiteCommandStore(FleetOptions.FileIn(sp, LiteCommandStore.FileName), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresCommandStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<CommandSender>();
        services.AddDeviceReportConsumer<CommandResultIntake>();
        services.AddDeviceOnlineConsumer<PendingCommandDelivery>();
        services.AddHostedService<CommandSweeper>();
        services.AddApiJson(CommandsJson.Default);
        return builder;
    }

    /// <summary>
    /// <c>POST /api/v1/devices/{id}/commands</c> (technicians; body <c>{"kind", "timeoutSeconds"?, "expiresInSeconds"?}</c>,
    /// 202 with the command, audited), <c>GET /api/v1/devices/{id}/commands</c> (readers, newest first) and
    /// <c>GET /api/v1/devices/{id}/commands/{commandId}</c>. A manager sees only their centres' devices.
    /// </summary>
    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/devices/{id}/commands", SendAsync).RequireAuthorization(FleetPolicies.Technician);
        app.MapGet("/api/v1/devices/{id}/commands", async (string id, int? limit, ICommandStore store, DeviceRegistry registry, ClaimsPrincipal user, CancellationToken ct) =>
            CentreScope.MaySee(user, registry.CentreOf(id))
                ? Results.Json((await store.OfDeviceAsync(id, Math.Clamp(limit ?? 50, 1, 500), ct)).Select(View).ToList(), CommandsJson.Default.ListCommandView)
                : Results.Forbid())
            .RequireAuthorization(FleetPolicies.Reader);
        app.MapGet("/api/v1/devices/{id}/commands/{commandId}", async (string id, string commandId, ICommandStore store, DeviceRegistry registry, ClaimsPrincipal user, CancellationToken ct) =>
            !CentreScope.MaySee(user, registry.CentreOf(id)) ? Results.Forbid()
            : await store.FindAsync(commandId, ct) is { } command && command.DeviceId == id ? Results.Json(View(command), CommandsJson.Default.CommandView)
            : Results.NotFound())
            .RequireAuthorization(FleetPolicies.Reader);
        return app;
    }

    private static async Task<IResult> SendAsync(string id, CommandRequest request, CommandSender sender, DeviceRegistry registry,
        IOptions<CommandsOptions> options, AuditRecorder audit, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "anonymous";
        var problem = !DeviceId.IsValid(id) ? $"'{id}' is not a device id"
            : registry.Find(id) is { Status: not DeviceStates.Active } ? $"device {id} is not active"
            : !CommandKinds.IsKnown(request.Kind) ? $"kind must be one of {string.Join(", ", CommandKinds.All)} (got '{request.Kind}')"
            : request.TimeoutSeconds is < CommandLimits.MinTimeoutSeconds or > CommandLimits.MaxTimeoutSeconds
                ? $"timeoutSeconds must be {CommandLimits.MinTimeoutSeconds}-{CommandLimits.MaxTimeoutSeconds}"
            : request.ExpiresInSeconds is { } e && (e < 1 || e > options.Value.MaxExpirySeconds)
                ? $"expiresInSeconds must be 1-{options.Value.MaxExpirySeconds}"
            : null;
        if (problem is not null)
        {
            audit.Record(actor, AuditSent, id, success: false, detail: problem, address: context.Connection.RemoteIpAddress?.ToString());
            return Results.Json(new CommandErrorView(problem), CommandsJson.Default.CommandErrorView, statusCode: 400);
        }

        var command = await sender.IssueAsync(id, request.Kind!, request.TimeoutSeconds, request.ExpiresInSeconds, actor, cancellationToken);
        audit.Record(actor, AuditSent, id, detail: $"{command.Kind} {command.Id}, expires {command.ExpiresAt:o}", address: context.Connection.RemoteIpAddress?.ToString());
        return Results.Json(View(command), CommandsJson.Default.CommandView, statusCode: 202);
    }

    private static CommandView View(CommandRecord c) =>
        new(c.Id, c.DeviceId, c.Kind, c.State, c.Detail, c.IssuedAt, c.ExpiresAt, c.TimeoutSeconds, c.IssuedBy, c.StartedAt, c.FinishedAt);
}

public sealed record CommandRequest(string? Kind, int? TimeoutSeconds, int? ExpiresInSeconds);

/// <summary>A command as the API shows it; <see cref="State"/>: pending, running, succeeded, failed, timed-out, expired or rejected.</summary>
public sealed record CommandView(
    string Id, string DeviceId, string Kind, string State, string? Detail, DateTime IssuedAt, DateTime ExpiresAt, int TimeoutSeconds,
    string IssuedBy, DateTime? StartedAt, DateTime? FinishedAt);

public sealed record CommandErrorView(string Error);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandView))]
[JsonSerializable(typeof(List<CommandView>))]
[JsonSerializable(typeof(CommandErrorView))]
internal sealed partial class CommandsJson : JsonSerializerContext;
