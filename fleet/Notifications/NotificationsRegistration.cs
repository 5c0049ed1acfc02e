using System.Security.Claims;
using Edge.Fleet.Alerts;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Web;
using Edge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Notifications;

/// <summary><c>POST /api/v1/notifications/dead-letters/retry</c>: which dead letter to send again.</summary>
public sealed record DeadLetterRetryRequest(string Channel, string Id);

public static class NotificationsRegistration
{
    /// <summary>Alert e-mails (options <c>Notifications</c>, the planner the alert book asks, the sender); needs <c>AddAlerts</c>.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<NotificationOptions>(NotificationOptions.Section);
        builder.Services.AddSingleton<IAlertMailPlanner, AlertMailPlanner>();
        builder.Services.AddSingleton<SmtpMailer>();
        builder.Services.AddSingleton<AlertMailSender>();
        builder.Services.AddSingleton<AlertMailMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertMailSender>());
        builder.Services.AddApiJson(NotificationsJson.Default);
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
        admin.MapGet("/dead-letters", DeadLettersAsync);
        admin.MapPost("/dead-letters/retry", RetryAsync);
        return app;
    }

    /// <summary>The alert store's dead letters and those of every <see cref="IDeadLetterSource"/> (report e-mails), newest first.</summary>
    private static async Task<Ok<List<DeadLetter>>> DeadLettersAsync(int? limit, IAlertStore store, IEnumerable<IDeadLetterSource> others, CancellationToken cancellationToken)
    {
        var max = Math.Clamp(limit ?? 200, 1, 5000);
        var letters = new List<DeadLetter>(await store.DeadLettersAsync(max, cancellationToken));
        foreach (var source in others)
        {
            letters.AddRange(await source.ListAsync(max, cancellationToken));
        }

        return TypedResults.Ok(letters.OrderByDescending(l => l.CreatedAt).Take(max).ToList());
    }

    private static async Task<Results<NoContent, NotFound<ErrorView>>> RetryAsync(
        DeadLetterRetryRequest request, IAlertStore store, IEnumerable<IDeadLetterSource> others, AlertWebhook webhook, AlertMailSender mails, AuditRecorder audit,
        TimeProvider time, ClaimsPrincipal user, HttpContext context)
    {
        var other = others.FirstOrDefault(s => s.Channel == request.Channel);
        var retried = other is not null
            ? await other.RetryAsync(request.Id, context.RequestAborted)
            : await store.RetryDeadLetterAsync(request.Channel, request.Id, time.GetUtcNow(), context.RequestAborted);
        if (!retried)
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
