using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>What a rollout should do now.</summary>
public sealed record RolloutStep(int Stage, IReadOnlyList<string> Offer, IReadOnlyList<string> Withdraw, string? Halt, bool Completed);

/// <summary>
/// The rules of a staged rollout, without I/O (unit-tested with a fake clock):
/// a device refused or rolled back halts the rollout (its offers still waiting are withdrawn); the current stage is the
/// first whose devices are not all healthy; a device of the current stage is offered the update only while its
/// centre is in its maintenance window (outside its opening hours), and an offer not yet acted on is withdrawn
/// when the window closes; a stage starts only when every device of the stage before reported healthy.
/// </summary>
public static class RolloutGate
{
    public static RolloutStep Decide(IReadOnlyList<RolloutTarget> targets, Func<string, bool> inMaintenanceWindow, Func<string, bool> offered)
    {
        var failed = targets.FirstOrDefault(t => t.State is UpdateStates.RolledBack or UpdateStates.Refused);
        var waiting = targets.Where(t => t.State == UpdateStates.Pending && offered(t.DeviceId)).Select(t => t.DeviceId).ToList();
        if (failed is not null)
        {
            return new RolloutStep(failed.Stage, [], waiting, $"{failed.DeviceId} {failed.State}: {failed.Reason}", false);
        }

        var stage = targets.Where(t => t.State != UpdateStates.Healthy).Select(t => (int?)t.Stage).Min();
        if (stage is null)
        {
            return new RolloutStep(targets.Count == 0 ? 0 : targets.Max(t => t.Stage), [], [], null, true);
        }

        var current = targets.Where(t => t.Stage == stage && t.State == UpdateStates.Pending).ToList();
        return new RolloutStep(
            stage.Value,
            current.Where(t => !offered(t.DeviceId) && inMaintenanceWindow(t.DeviceId)).Select(t => t.DeviceId).ToList(),
            current.Where(t => offered(t.DeviceId) && !inMaintenanceWindow(t.DeviceId)).Select(t => t.DeviceId).ToList(),
            null,
            false);
    }

    /// <summary>Whether a report may move a device from <paramref name="from"/> to <paramref name="to"/> (never back from a final state).</summary>
    public static bool MayMove(string from, string to) =>
        from == to || (!UpdateStates.IsFinal(from) && to != UpdateStates.Pending);
}
