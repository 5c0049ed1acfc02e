using Edge.Wire;

namespace Edge.Device.Queue;

/// <summary>
/// The "people waiting" and "estimated wait" a kiosk prints: the fleet's figures when it answered, else the kiosk's
/// own count with a wait from the fleet's last known seconds per person in the field, marked as estimated.
/// </summary>
public readonly record struct WaitingLine(int People, int? WaitMinutes, bool Estimated)
{
    /// <param name="answer">The fleet's answer to <see cref="CallActions.Waiting"/>; null when none came in time.</param>
    /// <param name="ownCount">Tickets this kiosk issued earlier today in the field.</param>
    /// <param name="secondsPerPerson">Learnt per field from the fleet's answers (updated here), used when it does not answer.</param>
    public static WaitingLine From(CallReply? answer, int ownCount, string field, IDictionary<string, double> secondsPerPerson)
    {
        if (answer is { Reason: null })
        {
            if (answer.EstimatedWaitS is { } fleetWait && answer.Waiting > 0)
            {
                secondsPerPerson[field] = fleetWait / answer.Waiting;
            }

            return new WaitingLine(answer.Waiting, Minutes(answer.EstimatedWaitS), Estimated: false);
        }

        double? estimate = secondsPerPerson.TryGetValue(field, out var perPerson) ? ownCount * perPerson : null;
        return new WaitingLine(ownCount, Minutes(estimate), Estimated: true);
    }

    private static int? Minutes(double? seconds) => seconds is { } s ? (int)Math.Ceiling(s / 60) : null;
}
