using System.Security.Claims;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Stats;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Alerts;

/// <summary><c>GET /api/v1/alerts/{id}</c> and every work endpoint: the alert as it is now and its history, oldest first.</summary>
public sealed record AlertDetailView(Alert Alert, List<AlertAction> History);

/// <summary>
/// Body of the work endpoints: <see cref="Text"/> is the comment (required for <c>/comments</c>, optional for
/// acknowledge and resolve); <see cref="User"/> the assignee of <c>/assign</c>.
/// </summary>
public sealed record AlertWorkRequest(string? Text = null, string? User = null);

/// <summary>
/// Alerts as work: acknowledge, assign, comment, resolve. Scoped like the reads (a manager only for their centres:
/// 403), each step recorded in the alert's history and in the audit log.
/// </summary>
public static class AlertWorkEndpoints
{
    public const int MaxTextLength = 2000;

    /// <summary>
    /// <c>GET /api/v1/alerts/{id}</c>; <c>POST /api/v1/alerts/{id}/acknowledge</c>, <c>/assign</c> (<c>{"user":"lan"}</c>,
    /// a user who may see the alert's centre), <c>/comments</c> (<c>{"text":"..."}</c>), <c>/resolve</c>. 409 when the
    /// alert is resolved already (or acknowledged already, for acknowledge).
    /// </summary>
    public static IEndpointRouteBuilder MapAlertWorkApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts/{id}", async (string id, IAlertStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            await store.FindAsync(id, cancellationToken) is not { } alert ? Results.NotFound()
            : !CentreScope.MaySee(user, alert.Centre) ? Results.Forbid()
            : Results.Ok(await DetailAsync(store, alert, cancellationToken)));
        app.MapPost("/api/v1/alerts/{id}/acknowledge", (string id, AlertWorkRequest? request, AlertWorkContext work) =>
            work.RecordAsync(id, AlertActions.Acknowledged, request?.Text));
        app.MapPost("/api/v1/alerts/{id}/comments", (string id, AlertWorkRequest? request, AlertWorkContext work) =>
            string.IsNullOrWhiteSpace(request?.Text) ? Task.FromResult<IResult>(TypedResults.BadRequest(new ErrorView("text is required")))
            : work.RecordAsync(id, AlertActions.Commented, request.Text));
        app.MapPost("/api/v1/alerts/{id}/assign", AssignAsync);
        app.MapPost("/api/v1/alerts/{id}/resolve", (string id, AlertWorkRequest? request, AlertWorkContext work) => work.ResolveAsync(id, request?.Text));
        return app;
    }

    private static async Task<IResult> AssignAsync(string id, AlertWorkRequest? request, AlertWorkContext work, UserDirectory users, IProvinceScope provinces)
    {
        if (string.IsNullOrWhiteSpace(request?.User))
        {
            return TypedResults.BadRequest(new ErrorView("user is required"));
        }

        var alert = await work.Store.FindAsync(id, work.Http.RequestAborted);
        if (alert is not null && CentreScope.MaySee(work.Caller, alert.Centre))
        {
            // Only someone who may see the alert's centre can be given it.
            var assignee = await users.FindAsync(request.User, work.Http.RequestAborted);
            if (assignee is null || UserRoles.ReadOnly.Contains(assignee.Role) || !CentreScope.MaySee(assignee, alert.Centre, provinces))
            {
                return TypedResults.BadRequest(new ErrorView($"'{request.User}' is not a user of centre {alert.Centre}"));
            }

            return await work.RecordAsync(id, AlertActions.Assigned, assignee.Name);
        }

        return await work.RecordAsync(id, AlertActions.Assigned, request.User);
    }

    internal static async Task<AlertDetailView> DetailAsync(IAlertStore store, Alert alert, CancellationToken cancellationToken) =>
        new(alert, [.. await store.ActionsAsync(alert.Id, cancellationToken)]);
}

/// <summary>What every work endpoint needs, bound from the request's services.</summary>
public sealed class AlertWorkContext(IAlertStore store, AlertTransitions book, OpenAlertCache cache, AuditRecorder audit, TimeProvider time, IHttpContextAccessor accessor)
{
    public IAlertStore Store => store;

    public HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("outside a request");

    public ClaimsPrincipal Caller => Http.User;

    private string Actor => Caller.Identity?.Name ?? "?";

    /// <summary>Acknowledge, assign or comment, answered with the alert and its history.</summary>
    public async Task<IResult> RecordAsync(string id, string action, string? detail)
    {
        var cancellationToken = Http.RequestAborted;
        if (detail is { Length: > AlertWorkEndpoints.MaxTextLength })
        {
            return TypedResults.BadRequest(new ErrorView($"text must be at most {AlertWorkEndpoints.MaxTextLength} characters"));
        }

        if (await store.FindAsync(id, cancellationToken) is not { } alert)
        {
            return TypedResults.NotFound();
        }

        if (!CentreScope.MaySee(Caller, alert.Centre))
        {
            return TypedResults.Forbid();
        }

        var result = await store.RecordWorkAsync(new AlertAction(id, time.GetUtcNow(), Actor, action, detail), cancellationToken);
        if (result.Outcome != AlertWorkOutcome.Done)
        {
            return Refused(result.Outcome);
        }

        cache.Invalidate();
        await AuditAsync(action, alert, detail, cancellationToken);
        return TypedResults.Ok(await AlertWorkEndpoints.DetailAsync(store, result.Alert!, cancellationToken));
    }

    /// <summary>A person's resolve: the alert closes with its notice and e-mails; a condition still reported opens a new one.</summary>
    public async Task<IResult> ResolveAsync(string id, string? comment)
    {
        var cancellationToken = Http.RequestAborted;
        if (comment is { Length: > AlertWorkEndpoints.MaxTextLength })
        {
            return TypedResults.BadRequest(new ErrorView($"text must be at most {AlertWorkEndpoints.MaxTextLength} characters"));
        }

        if (await store.FindAsync(id, cancellationToken) is not { } alert)
        {
            return TypedResults.NotFound();
        }

        if (!CentreScope.MaySee(Caller, alert.Centre))
        {
            return TypedResults.Forbid();
        }

        if (await book.ResolveByAsync(alert, Actor, comment, time.GetUtcNow(), cancellationToken) is not { } resolved)
        {
            return Refused(AlertWorkOutcome.NotOpen);
        }

        await AuditAsync(AlertActions.Resolved, alert, comment, cancellationToken);
        return TypedResults.Ok(await AlertWorkEndpoints.DetailAsync(store, resolved, cancellationToken));
    }

    private static IResult Refused(AlertWorkOutcome outcome) => outcome switch
    {
        AlertWorkOutcome.NotFound => TypedResults.NotFound(),
        AlertWorkOutcome.AlreadyAcknowledged => TypedResults.Conflict(new ErrorView("the alert is acknowledged already")),
        _ => TypedResults.Conflict(new ErrorView("the alert is resolved already")),
    };

    private Task AuditAsync(string action, Alert alert, string? detail, CancellationToken cancellationToken) =>
        audit.RecordAsync(Actor, AuditActions.AlertWorkPrefix + action, alert.Id,
            detail: $"{alert.Kind} {alert.DeviceId ?? alert.Counter} ({alert.Centre})" + (detail is null ? "" : $": {detail}"),
            address: Http.Connection.RemoteIpAddress?.ToString(), cancellationToken: cancellationToken);
}
