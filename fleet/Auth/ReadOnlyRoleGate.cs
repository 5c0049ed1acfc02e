using System.Security.Claims;

namespace Edge.Fleet.Auth;

/// <summary>
/// Refuses (403) every request of a read-only role (<see cref="UserRoles.ReadOnly"/>: province officers, national
/// viewers) that is not a GET or HEAD, whatever the endpoint's own policy says, so a write endpoint added later that
/// forgets them cannot let them write. Their own session stays theirs: signing out and making an API token for
/// themselves (<see cref="OwnSession"/>) pass. Runs after authorization; refusals are counted in <see cref="SecurityCounts"/>.
/// </summary>
public sealed class ReadOnlyRoleGate(RequestDelegate next)
{
    /// <summary>The writes that concern only the caller's own session.</summary>
    public static readonly string[] OwnSession = ["/api/v1/auth/logout", "/api/v1/auth/tokens", "/api/v1/auth/login"];

    public Task InvokeAsync(HttpContext context, SecurityCounts counters)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || !IsReadOnly(context.User)
            || OwnSession.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        counters.ReadOnlyWriteRefused();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public static bool IsReadOnly(ClaimsPrincipal user) => UserRoles.ReadOnly.Any(user.IsInRole);
}
