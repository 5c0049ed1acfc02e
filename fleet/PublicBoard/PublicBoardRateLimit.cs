using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// ASP.NET Core's rate limiter for <c>/public/...</c>: a fixed window of one minute per client address
/// (<see cref="PublicBoardOptions.RequestsPerMinute"/>). One address over its limit gets 429 with Retry-After; other
/// addresses are not affected. Its own rejection handler, so the refusals are counted as the board's, not as the
/// provisioning limiter's.
/// </summary>
public sealed class PublicBoardRateLimit(IOptions<PublicBoardOptions> options, PublicBoardCounts counters) : IRateLimiterPolicy<string>
{
    public const string Name = "public-board";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
    {
        counters.RefusedRateLimited();
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(
            httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.Value.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
