using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Alerts;

/// <summary>
/// Every <c>Alerts:EvaluateEverySeconds</c>, on the leading node only: reads the open alerts from the store and the
/// fleet's health, runs every rule, and lets the <see cref="AlertTransitions"/> commit what changed. Nothing carries over in
/// memory from one round to the next, so the node that leads next continues from the store.
/// </summary>
public sealed class AlertEvaluator(
    IDeviceHealthSource health,
    IEnumerable<IAlertRule> rules,
    CentreRuleResolver ruleBook,
    AlertTransitions book,
    IAlertStore store,
    IFleetLeadership leadership,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private long _evaluations;

    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>One round; null when skipped (another node leads, or the stored centre rules are not loaded yet).</summary>
    public async Task<AlertTransitions.Changes?> EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        if (!leadership.IsLeader || !ruleBook.HasStoredChanges)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var open = await store.OpenAlertsAsync(cancellationToken);
        var openKeys = open.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var context = new AlertContext(now, await health.ReadAsync(cancellationToken), ruleBook, openKeys);
        var conditions = new List<AlertCondition>();
        foreach (var rule in rules)
        {
            conditions.AddRange(await rule.EvaluateAsync(context, cancellationToken));
        }

        // Leadership may have moved while the rules ran: the writes below are safe anyway (conditional in the store),
        // this only saves a round of them.
        if (!leadership.IsLeader)
        {
            return null;
        }

        var changes = await book.ApplyAsync(conditions, open, now, cancellationToken);
        Interlocked.Increment(ref _evaluations);
        return changes;
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
                catch (StoreUnavailableException)
                {
                    // A store file is down: logged once per outage and counted by StoreOutages; tried again next round.
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
