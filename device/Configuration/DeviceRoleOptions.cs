using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>
/// What the device is in the centre's queue (key <c>Device:Role</c>): a counter (default), a kiosk or a hall display.
/// The role chosen at enrolment (identity.json) applies unless <c>Device:Role</c> is set explicitly (environment or
/// command line), see device/Host/Provisioning.
/// </summary>
public sealed class DeviceRoleOptions : ICheckedOptions
{
    public const string Section = "Device";

    public const string Counter = "counter";
    public const string Kiosk = "kiosk";
    public const string Hall = "hall";

    public string Role { get; set; } = Counter;

    public bool IsKiosk => Role == Kiosk;

    public bool IsHall => Role == Hall;

    public static bool IsKnown(string? role) => role is Counter or Kiosk or Hall;

    public IEnumerable<string> Validate()
    {
        if (!IsKnown(Role))
        {
            yield return $"{Section}:Role must be counter, kiosk or hall (got '{Role}')";
        }
    }
}
