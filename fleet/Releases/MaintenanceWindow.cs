using Edge.Fleet.Alerts;
using Edge.Fleet.Registry;

namespace Edge.Fleet.Releases;

/// <summary>
/// A device's centre is in its maintenance window when it is closed: outside the opening hours of its alert rules
/// (fleet/Centres/OpeningHours.cs, per centre, in the centre's time zone). A device the registry does not know gets
/// the default rules.
/// </summary>
public sealed class MaintenanceWindow(CentreRuleResolver rules, Func<string, string?> centreOf, TimeProvider time)
{
    public MaintenanceWindow(CentreRuleResolver rules, DeviceRegistry registry, TimeProvider time)
        : this(rules, registry.CentreOf, time)
    {
    }

    public bool IsOpen(string deviceId) => !rules.For(centreOf(deviceId)).IsOpen(time.GetUtcNow());
}
