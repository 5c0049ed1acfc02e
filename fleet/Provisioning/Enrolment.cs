using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using LiteDB;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// A place waiting for a device: centre, counter, role, optionally the device id to give it and the device it
/// replaces; redeemed once with its claim code (collection <c>enrolments</c>).
/// </summary>
public sealed class Enrolment
{
    /// <summary><see cref="ClaimCode.Key"/> of the code.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    public string Centre { get; set; } = "";

    public string Counter { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>Device id to issue; a generated one when null.</summary>
    public string? DeviceId { get; set; }

    /// <summary>The device whose counter the new one takes over.</summary>
    public string? Replaces { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? UsedAt { get; set; }

    /// <summary>The device that redeemed the code.</summary>
    public string? UsedBy { get; set; }

    /// <summary>Why <paramref name="enrolment"/> (null: no such code) cannot be redeemed at <paramref name="now"/>; null when it can.</summary>
    public static RedeemRefusal? RefusalAt(Enrolment? enrolment, DateTime now) => enrolment switch
    {
        null => RedeemRefusal.Unknown,
        { UsedAt: not null } => RedeemRefusal.Used,
        _ when enrolment.ExpiresAt <= now => RedeemRefusal.Expired,
        _ => null,
    };

    /// <summary>The active device this enrolment provisions: its device id, or <paramref name="newDeviceId"/>(role).</summary>
    public RegisteredDevice NewDevice(Func<string, string> newDeviceId, string secretHash, DateTime now) => new()
    {
        Id = DeviceId ?? newDeviceId(Role),
        Centre = Centre,
        Counter = Counter,
        Role = Role,
        Status = DeviceStates.Active,
        SecretHash = secretHash,
        CreatedAt = now,
    };
}

/// <summary>What a technician asks for (<c>POST /api/v1/enrolments</c>).</summary>
public sealed record EnrolmentRequest(string Centre, string Counter, string? Role = null, string? DeviceId = null);

/// <summary>
/// The claim code, shown once, and what it will provision; <see cref="ClaimFile"/>: the same as an <c>edge-claim.txt</c>
/// (code, fleet address, CA fingerprint) for a Pi's boot partition, a USB stick or the label's QR code.
/// </summary>
public sealed record EnrolmentView(string Code, string Centre, string Counter, string Role, string? DeviceId, string? Replaces, DateTimeOffset ExpiresAt,
    string? ClaimFile = null);
