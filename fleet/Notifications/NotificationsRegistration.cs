using System.Security.Claims;
using Edge.Fleet.Alerts;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Stats;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Notifications;

/// <summary><c>POST /api/v1/notifications/dead-letters/retry</c>: which dead letter to send again.</summary>
public sealed record DeadLetterRetryRequest(string Channel, string Id);

public static class NotificationsRegistration
{
    /// <summary>Alert e-mails (options <c>Notifications</c>, the planner the alert book asks, the sender); needs <c>AddAlerts</c>.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        builder.Services.AddSingleton<IAlertMailPlanner, AlertMailPlanner>();
        builder.Services.AddSingleton<SmtpMailer>();
        builder.Services.AddSingleton<AlertMailSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertMailSender>());
        return builder;
    }

    /// <summary>
    /// <c>GET /api/v1/notifications/dead-letters?limit=</c>: webhook notices and e-mails given up, newest first;
    /// <c>POST /api/v1/notifications/dead-letters/retry</c> <c>{"channel":"mail","id":"..."}</c>: pending again,
    /// attempts reset. Administrators only; a retry is audited.
    /// </summary>
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/notifications").RequireAuthorization(FleetPolicies.Administrator);
        admin.MapGet("/dead-letters", async (int? limit, IAlertStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.DeadLettersAsync(Math.Clamp(limit ?? 200, 1, 5000), cancellationToken)).ToList()));
        admin.MapPost("/dead-letters/retry", RetryAsync);
        return app;
    }

    private static async Task<Results<NoContent, NotFound<ErrorView>>> RetryAsync(
        DeadLetterRetryRequest request, IAlertStore store, AlertWebhook webhook, AlertMailSender mails, AuditLog audit, TimeProvider time,
        ClaimsPrincipal user, HttpContext context)
    {
        if (!await store.RetryDeadLetterAsync(request.Channel, request.Id, time.GetUtcNow(), context.RequestAborted))
        {
            return TypedResults.NotFound(new ErrorView($"no failed {request.Channel} '{request.Id}'"));
        }

        await audit.RecordAsync(user.Identity?.Name ?? "?", AuditActions.DeadLetterRetried, request.Id, detail: request.Channel,
            address: context.Connection.RemoteIpAddress?.ToString(), cancellationToken: context.RequestAborted);
        webhook.Wake();
        mails.Wake();
        return TypedResults.NoContent();
    }
}
