namespace Edge.Fleet.Provisioning;

/// <summary>Body of <c>POST /api/v1/provision</c>.</summary>
public sealed record ProvisionRequest(string? Code);

/// <summary>
/// What a device receives once: its id and secret (the MQTT password; the fleet keeps only a hash), where the
/// broker is, and its initial settings.
/// </summary>
public sealed record ProvisionView(
    string DeviceId,
    string Secret,
    string Centre,
    string Counter,
    string Role,
    string MqttHost,
    int MqttPort,
    bool MqttTls,
    string? CaCertificate);

/// <summary>A refused provisioning: <see cref="Reason"/> is <c>unknown</c>, <c>expired</c>, <c>used</c>, <c>device-id-taken</c> or <c>rate-limited</c>.</summary>
public sealed record ProvisionError(string Error, string Reason);

/// <summary>An enrolment waiting for its device (the code is not shown again).</summary>
public sealed record OpenEnrolmentView(string Centre, string Counter, string Role, string? DeviceId, string? Replaces, string CreatedBy, DateTimeOffset ExpiresAt);
