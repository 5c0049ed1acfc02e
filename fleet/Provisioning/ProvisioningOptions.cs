using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

/// <summary>Enrolment and provisioning (section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions
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
}

public sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options)
    {
        const string section = ProvisioningOptions.Section + ":";
        var failures = new List<string>();
        if (options.ClaimCodeLifetime < TimeSpan.FromSeconds(1) || options.ClaimCodeLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"{section}{nameof(options.ClaimCodeLifetime)} must be between 00:00:01 and 30.00:00:00 (got {options.ClaimCodeLifetime})");
        }

        if (options.AttemptsPerMinute is < 1 or > 10_000)
        {
            failures.Add($"{section}{nameof(options.AttemptsPerMinute)} must be 1-10000 (got {options.AttemptsPerMinute})");
        }

        if (!string.IsNullOrEmpty(options.FleetUrl) && (!Uri.TryCreate(options.FleetUrl, UriKind.Absolute, out var fleet) || fleet.Scheme is not ("http" or "https")))
        {
            failures.Add($"{section}{nameof(options.FleetUrl)} must be an http(s) address (got '{options.FleetUrl}')");
        }

        if (!string.IsNullOrEmpty(options.CaCertificate) && !File.Exists(options.CaCertificate))
        {
            failures.Add($"{section}{nameof(options.CaCertificate)} must name an existing PEM file (got '{options.CaCertificate}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
