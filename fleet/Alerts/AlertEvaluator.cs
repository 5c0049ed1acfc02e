using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Health;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Alerts;

/// <summary>Every <c>Alerts:EvaluateEverySeconds</c>: reads the fleet's health, runs every rule, updates the <see cref="AlertBook"/>.</summary>
public sealed class AlertEvaluator(
    FleetHealthReader reader,
    IEnumerable<IAlertRule> rules,
    CentreRuleBook ruleBook,
    AlertBook book,
    IAlertStore store,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private long _evaluations;

    public long Evaluations => Interlocked.Read(ref _evaluations);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await book.LoadAsync(cancellationToken);
        foreach (var (centre, change) in await store.CentreRulesAsync(cancellationToken))
        {
            ruleBook.Apply(centre, change);
        }

        await base.StartAsync(cancellationToken);
    }

    public async Task EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var context = new AlertContext(now, await reader.ReadAsync(cancellationToken), ruleBook, book.OpenKeys());
        var conditions = new List<AlertCondition>();
        foreach (var rule in rules)
        {
            conditions.AddRange(await rule.EvaluateAsync(context, cancellationToken));
        }

        await book.ApplyAsync(conditions, now, cancellationToken);
        Interlocked.Increment(ref _evaluations);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.EvaluateEverySeconds), time);
        try
        {
            do
            {
                try
                {
                    await EvaluateOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Evaluating the alert rules failed; trying again next round");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
