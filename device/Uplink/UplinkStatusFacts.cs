namespace Edge.Device.Uplink;

/// <summary>
/// What the retained status message says about this device beyond online/offline: the host's version and the LAN
/// address the centre's other devices reach it at (none when not advertised). The host fills it in, so the uplink
/// needs to know neither the build nor the LAN feature.
/// </summary>
public sealed record UplinkStatusFacts(string Version, string? LanAddress);
