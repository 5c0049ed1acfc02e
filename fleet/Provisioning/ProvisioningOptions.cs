using Edge.Hosting;

namespace Edge.Fleet.Provisioning;

/// <summary>Enrolment and provisioning (section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions : ICheckedOptions
{
    public const string Section = "Provisioning";

    /// <summary>How long a claim code can be redeemed after it is issued.</summary>
    public TimeSpan ClaimCodeLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Provisioning attempts one remote address may make per minute (a centre's Pis share one address behind NAT).</summary>
    public int AttemptsPerMinute { get; set; } = 30;

    /// <summary>Host name devices are told to reach the broker at; by default the host the device called the fleet by.</summary>
    public string? MqttHost { get; set; }

    /// <summary>PEM file of the CA that signed the broker's TLS certificate, handed to devices with their credentials.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>
    /// The fleet's address as devices reach it, written in claim files (<c>edge-claim.txt</c>, the label's QR); by
    /// default the scheme and host the technician called the API with (set it behind a balancer).
    /// </summary>
    public string? FleetUrl { get; set; }

    public IEnumerable<string> Validate()
    {
        const string section = ProvisioningOptions.Section + ":";
        var failures = new List<string>();
        if (ClaimCodeLifetime < TimeSpan.FromSeconds(1) || ClaimCodeLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"{section}{nameof(ClaimCodeLifetime)} must be between 00:00:01 and 30.00:00:00 (got {ClaimCodeLifetime})");
        }

        if (AttemptsPerMinute is < 1 or > 10_000)
        {
            failures.Add($"{section}{nameof(AttemptsPerMinute)} must be 1-10000 (got {AttemptsPerMinute})");
        }

        if (!string.IsNullOrEmpty(FleetUrl) && (!Uri.TryCreate(FleetUrl, UriKind.Absolute, out var fleet) || fleet.Scheme is not ("http" or "https")))
        {
            failures.Add($"{section}{nameof(FleetUrl)} must be an http(s) address (got '{FleetUrl}')");
        }

        if (!string.IsNullOrEmpty(CaCertificate) && !File.Exists(CaCertificate))
        {
            failures.Add($"{section}{nameof(CaCertificate)} must name an existing PEM file (got '{CaCertificate}')");
        }

        return failures;
    }
}
