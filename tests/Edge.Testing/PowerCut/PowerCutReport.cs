namespace Edge.Testing.PowerCut;

/// <summary>
/// What a series of power cuts did: cuts made (and how many fell while the device was draining), cuts that really
/// discarded un-fsynced writes and how many bytes, presses answered and in flight, ratings the fleet stored, and the
/// two numbers that must be 0: answered presses lost, presses stored more often than they were made.
/// </summary>
public sealed record PowerCutReport(
    string Target,
    int Cuts,
    int CutsDuringDrain,
    int CutsThatDiscarded,
    long BytesDiscarded,
    long Answered,
    long Unanswered,
    long Stored,
    long Lost,
    long Doubled,
    long AckedThenMissing,
    int DamagedAtStart,
    TimeSpan Duration)
{
    /// <summary>Lost and doubled by level, from what was answered, in flight and stored per level (index 1-4).</summary>
    public static (long Lost, long Doubled) Compare(IReadOnlyList<long> answered, IReadOnlyList<long> unanswered, IReadOnlyList<long> stored)
    {
        long lost = 0, doubled = 0;
        for (var level = 1; level <= 4; level++)
        {
            lost += Math.Max(0, answered[level] - stored[level]);
            doubled += Math.Max(0, stored[level] - answered[level] - unanswered[level]);
        }

        return (lost, doubled);
    }

    public override string ToString() =>
        $"{Target}: {Cuts} cuts ({CutsDuringDrain} during drain, {CutsThatDiscarded} discarded un-fsynced writes, {BytesDiscarded:N0} bytes), "
        + $"{Answered} presses answered, {Unanswered} in flight at a cut, {Stored} stored at the fleet; lost {Lost}, doubled {Doubled}, "
        + $"acked then missing {AckedThenMissing}, damaged files at start {DamagedAtStart}; {Duration.TotalSeconds:F0} s";
}
