namespace Edge.Wire;

/// <summary>
/// Queue topics (wire v1), under the device's own <c>edge/v1/{device}/</c> so the per-device ACL applies:
/// a counter publishes a <see cref="CallRequest"/> on <c>queue/call</c> and the fleet answers with a
/// <see cref="CallReply"/> on <c>queue/called</c>. A hall display hears the centre's <see cref="HallBoard"/> on its own
/// <c>queue/board</c> (retained, republished by the fleet whenever the board changes).
/// </summary>
public static class QueueTopics
{
    /// <summary>The hall display's board (downlink, retained): latest calls, numbers served, people waiting.</summary>
    public static string Board(string deviceId) => $"{Topics.Root}/{deviceId}/queue/board";

    public static string Call(string deviceId) => $"{Topics.Root}/{deviceId}/queue/call";

    public static string Called(string deviceId) => $"{Topics.Root}/{deviceId}/queue/called";

    /// <summary>Filter for everything the fleet sends a device about the queue.</summary>
    public static string Replies(string deviceId) => $"{Topics.Root}/{deviceId}/queue/called";

    /// <summary>Every device's call requests, for a fleet node on an external broker.</summary>
    public const string AllCalls = Topics.Root + "/+/queue/call";

    /// <summary>Parses a queue topic; false for anything else (including the topics <see cref="Topics"/> knows).</summary>
    public static bool TryParse(string topic, out QueueTopicAddress address)
    {
        address = default;
        if (!topic.StartsWith(Topics.Root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic[(Topics.Root.Length + 1)..].Split('/');
        if (parts is not [var device, "queue", var kind] || !DeviceId.IsValid(device))
        {
            return false;
        }

        QueueTopicKind? parsed = kind switch
        {
            "call" => QueueTopicKind.Call,
            "called" => QueueTopicKind.Called,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        address = new QueueTopicAddress(device, parsed.Value);
        return true;
    }
}

public enum QueueTopicKind
{
    Call,
    Called,
}

public readonly record struct QueueTopicAddress(string DeviceId, QueueTopicKind Kind);

/// <summary>What a counter (or a kiosk) asks of the centre's queue.</summary>
public static class CallActions
{
    /// <summary>Give me the next waiting ticket among my fields (the current one, if any, counts as served).</summary>
    public const string Next = "next";

    /// <summary>
    /// Move the ticket I serve (<see cref="CallRequest.Ticket"/>, <see cref="CallRequest.Day"/>) to another field
    /// (<see cref="CallRequest.ToField"/>) or counter (<see cref="CallRequest.ToCounter"/>): it keeps its number.
    /// </summary>
    public const string Transfer = "transfer";

    /// <summary>Call again a ticket skipped earlier (its citizen came back), within the fleet's recall window.</summary>
    public const string Recall = "recall";

    /// <summary>A kiosk asks how many wait in <see cref="CallRequest.Field"/> and how long, before it prints.</summary>
    public const string Waiting = "waiting";

    public static bool IsValid(string action) => action is Next or Transfer or Recall or Waiting;
}

/// <summary>Why the fleet refused a request (<see cref="CallReply.Reason"/>): short codes a counter display can show.</summary>
public static class CallRefusals
{
    /// <summary>The request names a field the counter does not serve.</summary>
    public const string FieldNotServed = "field-not-served";

    /// <summary>A transfer to a counter no device of the centre serves.</summary>
    public const string UnknownCounter = "unknown-counter";

    /// <summary>A ticket code of another centre's kiosk.</summary>
    public const string OtherCentre = "other-centre";

    /// <summary>No such ticket in the centre's list.</summary>
    public const string UnknownTicket = "unknown-ticket";

    /// <summary>A recall of a ticket that was not skipped, or a transfer of a ticket this counter does not serve.</summary>
    public const string WrongState = "wrong-state";

    /// <summary>A recall after the recall window.</summary>
    public const string WindowPassed = "window-passed";

    /// <summary>A request missing what its action needs.</summary>
    public const string BadRequest = "bad-request";

    /// <summary>What a 4-digit counter display shows for each reason ("E" and a digit), and a line for an LCD.</summary>
    public static (string Code, string Text) Display(string reason) => reason switch
    {
        FieldNotServed => ("E1", "Quầy không phục vụ lĩnh vực này"),
        UnknownCounter => ("E2", "Không có quầy này"),
        OtherCentre => ("E3", "Vé của trung tâm khác"),
        UnknownTicket => ("E4", "Không có vé này"),
        WrongState => ("E5", "Vé không ở trạng thái này"),
        WindowPassed => ("E6", "Quá thời gian gọi lại"),
        _ => ("E9", "Yêu cầu không hợp lệ"),
    };
}

/// <summary>
/// Payload of <c>edge/v1/{device}/queue/call</c>. <see cref="RequestId"/> makes a resent request harmless: the fleet
/// answers the same request id with the same ticket. The optional members serve the actions beyond
/// <see cref="CallActions.Next"/>: <see cref="Field"/> (next of this one field only, or the field a kiosk asks
/// about), <see cref="Ticket"/> and <see cref="Day"/> (the ticket transferred or recalled: a number, or the printed
/// code <c>edge:{kiosk}:{day}:{number}</c>), <see cref="ToField"/> or <see cref="ToCounter"/> (where a transfer goes),
/// <see cref="Priority"/> (a kiosk asking for a priority ticket).
/// </summary>
public sealed record CallRequest(string RequestId, string Action, string Counter, IReadOnlyList<string> Fields)
{
    public string? Field { get; init; }

    public string? Ticket { get; init; }

    public string? Day { get; init; }

    public string? ToField { get; init; }

    public string? ToCounter { get; init; }

    public bool? Priority { get; init; }
}

/// <summary>
/// Payload of <c>edge/v1/{device}/queue/called</c>. <see cref="Ticket"/> is null when nobody waits
/// (<see cref="Error"/> says why when the request was refused, <see cref="Reason"/> is one of <see cref="CallRefusals"/>).
/// <see cref="Day"/> is the queue day (yyyy-MM-dd) the ticket belongs to; <see cref="Waiting"/> how many still wait in
/// the counter's fields after this call (for <see cref="CallActions.Waiting"/>: how many wait ahead of a new ticket),
/// <see cref="EstimatedWaitS"/> the fleet's estimate of the wait of a new ticket (null: no figure yet).
/// </summary>
public sealed record CallReply(string RequestId, string? Ticket, string? Field, string? Day, int Waiting, string? Error = null)
{
    public string? Reason { get; init; }

    /// <summary>For <see cref="CallActions.Waiting"/>: the figures are for a priority ticket.</summary>
    public bool? Priority { get; init; }

    public double? EstimatedWaitS { get; init; }

    /// <summary>The kiosk that issued <see cref="Ticket"/>: the counter confirms the hand-out with it on the centre's LAN (LanWire.cs).</summary>
    public string? Kiosk { get; init; }

    public static CallReply Refused(string requestId, string reason, string detail) =>
        new(requestId, null, null, null, 0, detail) { Reason = reason };
}

/// <summary>
/// Conventions of the queue events (<see cref="EventKinds"/> ticket.*): <see cref="DeviceEvent.Ticket"/> is the
/// number as printed ("A1001"), <see cref="DeviceEvent.Field"/> the field's name and <see cref="DeviceEvent.Detail"/>
/// the queue day the ticket belongs to, yyyy-MM-dd in the centre's time zone (numbers restart every day).
/// </summary>
public static class QueueDays
{
    public const string Format = "yyyy-MM-dd";
}

/// <summary>
/// Payload of <c>edge/v1/{hall}/queue/board</c>: what the centre's hall screen shows. <see cref="Calls"/> are the latest
/// calls and recalls, newest first; <see cref="Serving"/> the number each counter serves now; <see cref="Waiting"/> the
/// people waiting per field. <see cref="At"/> is the fleet's time when it made the board.
/// </summary>
public sealed record HallBoard(string Centre, string Day, DateTimeOffset At, IReadOnlyList<BoardCall> Calls, IReadOnlyList<BoardServing> Serving, IReadOnlyList<BoardWaiting> Waiting);

/// <summary>One call on the board: "A012 → Quầy 3". <see cref="At"/> with the number identifies the call (a recall is a new one).</summary>
public sealed record BoardCall(string Number, string Field, string Counter, DateTimeOffset At, bool Recall);

public sealed record BoardServing(string Counter, string Number, string Field);

public sealed record BoardWaiting(string Field, int Count);
