namespace Edge.Wire;

/// <summary>
/// The centre's LAN (fleet/Queue/README.md, "When the centre loses its link"): devices of one centre talk HTTP to each
/// other, each request and answer signed with the centre key (<see cref="LanSignature"/>). A counter asks every kiosk
/// for its list (<see cref="Heads"/>), chooses as the fleet would and asks the ticket's kiosk to hand it out
/// (<see cref="Take"/>); after a hand-out by the fleet it confirms it with the kiosk (<see cref="Claim"/>); it tells
/// the hall display what it called (<see cref="HallCall"/>); it moves the ticket it serves to another counter or field
/// through the ticket's kiosk (<see cref="Transfer"/>).
/// </summary>
public static class LanPaths
{
    public const string Prefix = "/lan/v1/";
    public const string Heads = Prefix + "heads";
    public const string Take = Prefix + "take";
    public const string Claim = Prefix + "claim";
    public const string HallCall = Prefix + "hall-call";
    public const string Transfer = Prefix + "transfer";

    /// <summary>Header naming the sending device.</summary>
    public const string DeviceHeader = "X-Edge-Device";

    /// <summary>Header with the HMAC-SHA256 (base64) of the message, <see cref="LanSignature"/>.</summary>
    public const string SignatureHeader = "X-Edge-Signature";
}

/// <summary>A counter asks a kiosk for its waiting tickets (those the counter may call) and its recent hand-outs.</summary>
public sealed record LanHeadsRequest(string Counter, IReadOnlyList<string> Fields, string? Field);

/// <summary>
/// A kiosk's answer: <see cref="Local"/> true when it hands its tickets out itself (its link to the fleet is down, or
/// the fleet has not yet acknowledged its local hand-outs); false: ask the fleet. <see cref="Day"/> its queue day.
/// </summary>
public sealed record LanHeads(string Kiosk, bool Local, string Day, IReadOnlyList<LanTicket> Tickets);

/// <summary>One ticket of a kiosk's list, with what the order of calls needs.</summary>
public sealed record LanTicket(string Number, string Field, string Day, DateTimeOffset IssuedAt, bool Priority, string State, long CallOrder, string? TargetCounter);

/// <summary>
/// <see cref="LanPaths.Take"/>: hand <see cref="Number"/> of <see cref="Day"/> to <see cref="Counter"/> (during an
/// outage); <see cref="LanPaths.Claim"/>: the fleet handed it to the counter (the kiosk records it so that it never
/// hands it out locally). The same request id again gets the same answer.
/// </summary>
public sealed record LanTakeRequest(string RequestId, string Counter, string Number, string Day);

/// <summary>
/// <see cref="LanPaths.Transfer"/>: <see cref="Counter"/> moves the ticket it serves to <see cref="ToCounter"/> or
/// <see cref="ToField"/> (one of them). <see cref="ByFleet"/> false: during an outage, the kiosk records the transfer
/// and writes its ticket.transferred (answered <see cref="LanOutcomes.AskFleet"/> when the kiosk is not handing out
/// itself); true: the fleet has made it, the kiosk only notes it (so that it can hand the ticket out again in a later
/// outage). The same request id again gets the same answer; answered with a <see cref="LanTakeReply"/>.
/// </summary>
public sealed record LanTransferRequest(string RequestId, string Counter, string Number, string Day, string? ToCounter, string? ToField, bool ByFleet);

/// <summary>The kiosk's answer to a take or claim: one of <see cref="LanOutcomes"/>, and the counter it went to.</summary>
public sealed record LanTakeReply(string RequestId, string Outcome, string? Counter, string? Field);

public static class LanOutcomes
{
    /// <summary>The ticket is this counter's (handed out now, or earlier for the same request).</summary>
    public const string Yours = "yours";

    /// <summary>Another counter has it (or, to a transfer: this counter does not serve it, as far as the kiosk knows).</summary>
    public const string Taken = "taken";

    /// <summary>A transfer is recorded (now, or earlier for the same request).</summary>
    public const string Transferred = "transferred";

    /// <summary>The kiosk is connected to the fleet and has nothing to report: ask the fleet.</summary>
    public const string AskFleet = "ask-fleet";

    /// <summary>The kiosk does not know the ticket (another day, or not issued by it).</summary>
    public const string Unknown = "unknown";
}

/// <summary>A call (or recall) a counter made, for the hall display while the fleet's board cannot come.</summary>
public sealed record LanHallCall(string Number, string Field, string Counter, DateTimeOffset At, bool Recall);

/// <summary>
/// The fleet's word about the centre's LAN, on <c>edge/v1/{device}/lan</c> (retained, <see cref="LanTopics"/>): the
/// centre key (base64) with its <see cref="KeyVersion"/>, the key it replaced (accepted for a while, so that devices
/// that heard of a rotation at different moments still understand each other), and every device of the centre with
/// the LAN address it reported in its status (<see cref="DeviceStatus.LanAddress"/>). <see cref="PriorityRun"/> and
/// <see cref="OrdinaryWaitSeconds"/> are the fleet's fairness rule (fleet <c>Queue:</c> options), which counters apply to
/// their calls through the kiosks as the fleet applies them to its own (absent from older fleets: the defaults).
/// </summary>
public sealed record LanInfo(long KeyVersion, string CentreKey, string? PreviousKey, IReadOnlyList<LanPeerInfo> Peers)
{
    public int? PriorityRun { get; init; }

    public int? OrdinaryWaitSeconds { get; init; }
}

/// <summary>One device of the centre: its id, role (kiosk, counter, hall) and LAN address (host:port).</summary>
public sealed record LanPeerInfo(string Id, string Role, string Address);

/// <summary>The LAN downlink topic: one retained message per device, from the fleet.</summary>
public static class LanTopics
{
    public static string Info(string deviceId) => $"{Topics.Root}/{deviceId}/lan";

    public static bool IsInfo(string topic, string deviceId) => topic == Info(deviceId);

    /// <summary>Longest LAN address a device may report (host:port).</summary>
    public const int MaxAddressLength = 100;

    /// <summary>Is <paramref name="address"/> a plausible host:port to hand to the centre's other devices?</summary>
    public static bool IsAddress(string? address) =>
        address is { Length: > 2 and <= MaxAddressLength }
        && Uri.TryCreate($"http://{address}/", UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && address.EndsWith($":{uri.Port}", StringComparison.Ordinal)
        && string.IsNullOrEmpty(uri.UserInfo) && uri.Query.Length == 0;
}
