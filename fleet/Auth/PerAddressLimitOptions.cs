namespace Edge.Fleet.Auth;

/// <summary>
/// Attempts one remote address may make per minute at the anonymous endpoints that check a secret (login,
/// provisioning: <see cref="AuthRegistration.PerAddressLimit"/>). Set from <c>Provisioning:AttemptsPerMinute</c> by
/// <c>AddProvisioning</c>, so that auth does not read provisioning's options.
/// </summary>
public sealed class PerAddressLimitOptions
{
    public int AttemptsPerMinute { get; set; } = 30;
}
