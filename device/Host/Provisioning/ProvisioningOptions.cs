namespace Edge.Device.Provisioning;

/// <summary>Unattended first boot (section "Provisioning"): provision with this claim code when there is no identity yet.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>Claim code from the technician (e.g. ABCD-EFGH); used once, ignored once identity.json exists.</summary>
    public string? ClaimCode { get; set; }

    /// <summary>The fleet's HTTP address, e.g. http://fleet.local:8080.</summary>
    public string? FleetUrl { get; set; }
}
