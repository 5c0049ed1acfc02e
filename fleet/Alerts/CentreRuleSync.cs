using Edge.Fleet.Store.Changes;

namespace Edge.Fleet.Alerts;

/// <summary>
/// Keeps this node's <see cref="CentreRuleResolver"/> in step with the centre rules in the alert store: loads them at
/// start (before the evaluator's first round), and reloads them whenever <see cref="ChangeTopics.AlertRules"/> changes on
/// any node (with PostgreSQL also after the change feed reconnected). A load that fails is retried every few seconds.
/// </summary>
public sealed class CentreRuleSync(IAlertStore store, CentreRuleResolver rules, IChangeFeed changes, ILogger<CentreRuleSync> logger) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _changed = new(0, 1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        changes.Subscribe(ChangeTopics.AlertRules, Changed);
        try
        {
            await LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Centre alert rules not loaded yet ({Error}); alert evaluation waits for them", ex.Message);
            Changed();
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Reads every centre's stored rules into the rule book.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken) => rules.Replace(await store.CentreRulesAsync(cancellationToken));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(stoppingToken);
                await LoadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Reloading the centre alert rules failed ({Error}); trying again in {Seconds} s", ex.Message, RetryEvery.TotalSeconds);
                try
                {
                    await Task.Delay(RetryEvery, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Changed();
            }
        }
    }

    private void Changed()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already due.
        }
    }
}
