namespace Edge.Queue;

/// <summary>
/// The centre's rules for the order of calls (fleet Queue options): at most <see cref="PriorityRun"/> priority tickets
/// of a field are called in a row while an ordinary ticket of that field has waited longer than
/// <see cref="OrdinaryWaitLimit"/>; a skipped ticket may be recalled within <see cref="RecallWindow"/> of its skip.
/// </summary>
public sealed record QueueRules(int PriorityRun, TimeSpan OrdinaryWaitLimit, TimeSpan RecallWindow)
{
    public static QueueRules Default { get; } = new(3, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(15));
}
