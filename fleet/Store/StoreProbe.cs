using Edge.Fleet.Store.Leadership;

namespace Edge.Fleet.Store;

/// <summary>
/// Whether this node can use its event store now: a cheap read every <see cref="Every"/> (with a deadline), logged
/// once at each change. While the store cannot be used ingest stores nothing and so acks nothing (devices keep
/// their events and send them again); <c>GET /healthz</c> answers 503 with the reason, so a load balancer sends
/// people elsewhere; when a read succeeds again the node is healthy again, without a restart.
/// </summary>
public sealed class StoreProbe(IEventStore store, ILogger<StoreProbe> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    private volatile string? _problem;
    private int _checks;

    /// <summary>Null while the store answers; otherwise why it does not.</summary>
    public string? Problem => _problem;

    /// <summary>True once the first check has finished (until then the node reports itself as starting).</summary>
    public bool Checked => Volatile.Read(ref _checks) > 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string? problem = null;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                deadline.CancelAfter(Deadline);
                try
                {
                    await store.GetAckedUpToAsync("-probe-", deadline.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    problem = $"the event store did not answer within {Deadline.TotalSeconds:0} s";
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    problem = $"the event store failed: {ex.Message}";
                }
            }

            if (problem != _problem)
            {
                if (problem is null)
                {
                    logger.LogInformation("Event store reachable again: storing and acking resume");
                }
                else
                {
                    logger.LogError("Event store unusable, nothing is stored or acked until it returns: {Problem}", problem);
                }
            }

            _problem = problem;
            Interlocked.Increment(ref _checks);
            try
            {
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

/// <summary><c>GET /healthz</c>: this node's state, for load balancers and people (no login, no fleet data).</summary>
public sealed record NodeHealthView(string Status, string Store, string? Problem, bool Leader);

public static class NodeHealthEndpoint
{
    public static IHostApplicationBuilder AddNodeHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStoreOutages();
        builder.Services.AddSingleton<StoreProbe>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreProbe>());
        return builder;
    }

    /// <summary>
    /// 200 <c>{"status":"ok"}</c> while every store answers; 503 <c>{"status":"store-unavailable","problem":...}</c>
    /// otherwise, the problem naming each store file that is down and why (<see cref="StoreOutages"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapNodeHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (StoreProbe probe, StoreOutages outages, IFleetLeadership leadership, Microsoft.Extensions.Options.IOptions<StoreOptions> options) =>
        {
            var kind = options.Value.IsPostgres ? StoreOptions.PostgresKind : StoreOptions.Lite;
            var problems = new[] { outages.Problem(), probe.Problem }.OfType<string>().Distinct().ToList();
            var view = problems.Count > 0
                ? new NodeHealthView("store-unavailable", kind, string.Join("; ", problems), leadership.IsLeader)
                : new NodeHealthView(probe.Checked ? "ok" : "starting", kind, null, leadership.IsLeader);
            return Results.Json(view, NodeHealthJson.Default.NodeHealthView, statusCode: problems.Count == 0 && probe.Checked ? 200 : 503);
        }).AllowAnonymous();
        return app;
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(NodeHealthView))]
internal sealed partial class NodeHealthJson : System.Text.Json.Serialization.JsonSerializerContext;
