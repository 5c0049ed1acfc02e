namespace Edge.Fleet.Broker;

// The roles and states of a registry entry (fleet/Registry): the broker owns them because its topic rules tell them
// apart (DeviceTopicRules, FleetTopicRules); the registry, above the broker, stores them.

public static class DeviceRoles
{
    public const string Counter = "counter";
    public const string Kiosk = "kiosk";
    public const string Hall = "hall";

    /// <summary>
    /// Not a device: a lower fleet that forwards its events to this one (fleet/Federation). It is enrolled and
    /// authenticated like a device, but its topics are <c>fleets/{id}/...</c> only (<c>Broker.FleetTopicRules</c>).
    /// </summary>
    public const string Fleet = "fleet";

    public static readonly string[] All = [Counter, Kiosk, Hall, Fleet];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);
}

public static class DeviceStates
{
    public const string Active = "active";
    public const string Retired = "retired";
    public const string ReplacedBy = "replaced-by";
}
