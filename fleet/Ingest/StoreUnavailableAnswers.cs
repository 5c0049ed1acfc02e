using System.Text.Json.Serialization;
using Edge.Fleet.Store;
using Npgsql;

namespace Edge.Fleet.Ingest;

/// <summary>
/// While the event store cannot store (disk full, database unreachable), an API call that needs it answers
/// 503 <c>{"error": reason}</c> instead of 500: the fault is the node's storage, it is temporary, and the store
/// recovers by itself (<see cref="Store.Lite.LiteEventStore"/> reopens its file; <c>/healthz</c> says the same).
/// <c>/metrics</c> and <c>/healthz</c> answer the same way; other routes (the dashboard's files) keep the default handling.
/// </summary>
public sealed partial class StoreUnavailableAnswers(RequestDelegate next, ILogger<StoreUnavailableAnswers> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ReasonOf(ex) is { } reason && AnswersWith503(context.Request.Path) && !context.Response.HasStarted)
        {
            LogAnswered(context.Request.Path, reason);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsJsonAsync(new StoreErrorView(reason), StoreErrorJson.Default.StoreErrorView, cancellationToken: context.RequestAborted);
        }
    }

    /// <summary>
    /// The API, <c>/metrics</c> and <c>/healthz</c>: a bearer token or login checked against a registry file that is down
    /// lands here too (the soak's full disk once made <c>/healthz</c>, asked with a token, answer 500 instead of 503).
    /// </summary>
    private static bool AnswersWith503(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz");

    /// <summary>The reason to answer 503 with, or null when <paramref name="ex"/> is not the store being unavailable.</summary>
    public static string? ReasonOf(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StoreUnavailableException:
                    return e.Message;
                case NpgsqlException { IsTransient: true }:
                    return $"the event store is unreachable: {e.Message}";
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: {Reason}")]
    private partial void LogAnswered(string path, string reason);
}

/// <summary>Body of a 503 answer.</summary>
public sealed record StoreErrorView(string Error);

/// <summary>Puts <see cref="StoreUnavailableAnswers"/> first in the pipeline, so that Program.cs needs no line for it.</summary>
internal sealed class StoreUnavailableStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<StoreUnavailableAnswers>();
        next(app);
    };
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoreErrorView))]
[JsonSerializable(typeof(ConflictsView))]
internal sealed partial class StoreErrorJson : JsonSerializerContext;
