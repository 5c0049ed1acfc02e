namespace Edge.Fleet.Alerts;

/// <summary>
/// What acknowledge, assign and comment may do to an alert, the same for every store: acknowledge and assign need an
/// open alert, an alert is acknowledged once, a comment goes on any alert (also a resolved one, to say what was done).
/// </summary>
public static class AlertWorkRules
{
    public static (AlertWorkOutcome Outcome, Alert Alert) Apply(Alert alert, AlertAction action) => action.Action switch
    {
        AlertActions.Commented => (AlertWorkOutcome.Done, alert),
        _ when !alert.IsOpen => (AlertWorkOutcome.NotOpen, alert),
        AlertActions.Acknowledged when alert.AcknowledgedBy is not null => (AlertWorkOutcome.AlreadyAcknowledged, alert),
        AlertActions.Acknowledged => (AlertWorkOutcome.Done, alert with { AcknowledgedBy = action.Actor, AcknowledgedAt = action.At }),
        AlertActions.Assigned => (AlertWorkOutcome.Done, alert with { AssignedTo = action.Detail }),
        _ => throw new ArgumentException($"'{action.Action}' is not work recorded through RecordWorkAsync", nameof(action)),
    };
}
