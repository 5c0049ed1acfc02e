using Edge.Fleet.Health;

namespace Edge.Fleet.Alerts.Rules;

/// <summary>What a rule looks at: the fleet's health now, the rules per centre and the alerts already open.</summary>
public sealed record AlertContext(
    DateTimeOffset Now,
    IReadOnlyList<DeviceHealth> Devices,
    CentreRuleResolver Rules,
    IReadOnlySet<string> OpenKeys);

/// <summary>One kind of check: returns a condition for every problem it sees now.</summary>
public interface IAlertRule
{
    Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertContext context, CancellationToken cancellationToken);
}

/// <summary>A rule that judges each device on its own, synchronously.</summary>
public abstract class DeviceAlertRule : IAlertRule
{
    public Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<AlertCondition> conditions = context.Devices
            .SelectMany(d => Evaluate(d, context.Rules.For(d.Centre), context))
            .ToList();
        return Task.FromResult(conditions);
    }

    protected abstract IEnumerable<AlertCondition> Evaluate(DeviceHealth device, CentreRules rules, AlertContext context);

    /// <summary>Heartbeat figures only count while the device is online: an offline device's are stale (its offline alert says enough).</summary>
    protected static Edge.Wire.HealthReport? LiveReport(DeviceHealth device) => device.Liveness.Online ? device.Latest?.Report : null;
}
