using System.Security.Claims;
using Edge.Fleet.Alerts;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Reports;
using Edge.Fleet.Stats;
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

    /// <summary>The alert store's dead letters and the report e-mails given up (<see cref="DeadLetterChannels.ReportMail"/>), newest first.</summary>
    private static async Task<Ok<List<DeadLetter>>> DeadLettersAsync(int? limit, IAlertStore store, IReportMailStore reports, CancellationToken cancellationToken)
    {
        var max = Math.Clamp(limit ?? 200, 1, 5000);
        var alerts = await store.DeadLettersAsync(max, cancellationToken);
        var failedReports = (await reports.ListAsync(int.MaxValue, cancellationToken))
            .Where(r => r.State == ReportMailStates.Failed)
            .Select(r => new DeadLetter(DeadLetterChannels.ReportMail, r.Id, "", "report", r.Person, r.Attempts, r.CreatedAt, r.LastError));
        return TypedResults.Ok(alerts.Concat(failedReports).OrderByDescending(l => l.CreatedAt).Take(max).ToList());
    }

    private static async Task<Results<NoContent, NotFound<ErrorView>>> RetryAsync(
        DeadLetterRetryRequest request, IAlertStore store, IReportMailStore reports, AlertWebhook webhook, AlertMailSender mails, AuditRecorder audit,
        TimeProvider time, ClaimsPrincipal user, HttpContext context)
    {
        var retried = request.Channel == DeadLetterChannels.ReportMail
            ? await reports.RetryFailedAsync(request.Id, context.RequestAborted)
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
