namespace Edge.Fleet.Provisioning;

/// <summary>An enrolment waiting for its device (the code is not shown again).</summary>
public sealed record OpenEnrolmentView(string Centre, string Counter, string Role, string? DeviceId, string? Replaces, string CreatedBy, DateTimeOffset ExpiresAt);
