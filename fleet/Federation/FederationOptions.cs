using Edge.Hosting;
using Edge.Wire;

namespace Edge.Fleet.Federation;

/// <summary>
/// Federation (section <c>Federation</c>). Receiving needs no setting: any fleet enrolled here with role
/// <c>fleet</c> may forward. Sending starts when <see cref="UpstreamOptions.Url"/> is set.
/// </summary>
public sealed class FederationOptions : ICheckedOptions
{
    public const string Section = "Federation";

    /// <summary>
    /// This fleet's name as the upper fleet knows it (its registry id there, e.g. <c>ha-noi</c>): when set, a
    /// claim that gives another id is refused (nothing is forwarded under a name the operator did not mean).
    /// </summary>
    public string? SourceName { get; set; }

    public UpstreamOptions Upstream { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        const string up = FederationOptions.Section + ":Upstream:";
        var failures = new List<string>();
        var upstream = Upstream;
        if (SourceName is { } source && !DeviceId.IsValid(source))
        {
            failures.Add($"{FederationOptions.Section}:{nameof(FederationOptions.SourceName)} must be 1-64 of A-Z a-z 0-9 - _ (got '{source}')");
        }

        if (upstream.Enabled)
        {
            if (!Uri.TryCreate(upstream.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{up}{nameof(UpstreamOptions.Url)} must be an http:// or https:// address (got '{upstream.Url}')");
            }

            if (upstream.Broker is { } broker && !TryParseBroker(broker, out _, out _))
            {
                failures.Add($"{up}{nameof(UpstreamOptions.Broker)} must be host:port (got '{broker}')");
            }
        }
        else if (!string.IsNullOrWhiteSpace(upstream.ClaimCode) || !string.IsNullOrWhiteSpace(upstream.Broker))
        {
            failures.Add($"{up}{nameof(UpstreamOptions.Url)} is required when {up}ClaimCode or {up}Broker is set");
        }

        if (upstream.BatchSize is < 1 or > WireLimits.MaxEventsPerBatch)
        {
            failures.Add($"{up}{nameof(UpstreamOptions.BatchSize)} must be 1-{WireLimits.MaxEventsPerBatch} (got {upstream.BatchSize})");
        }

        if (upstream.AckTimeoutSeconds is < 0.5 or > 600 || double.IsNaN(upstream.AckTimeoutSeconds))
        {
            failures.Add($"{up}{nameof(UpstreamOptions.AckTimeoutSeconds)} must be 0.5-600 (got {upstream.AckTimeoutSeconds})");
        }

        if (upstream.RetrySeconds is < 0.05 or > 600 || double.IsNaN(upstream.RetrySeconds))
        {
            failures.Add($"{up}{nameof(UpstreamOptions.RetrySeconds)} must be 0.05-600 (got {upstream.RetrySeconds})");
        }

        return failures;
    }

    /// <summary>Reads <c>host:port</c> (port 1-65535).</summary>
    public static bool TryParseBroker(string text, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon] : "";
        port = 0;
        return colon > 0 && int.TryParse(text[(colon + 1)..], out port) && port is > 0 and <= 65535;
    }
}

/// <summary>The upper fleet this one forwards its ratings and tickets to (section <c>Federation:Upstream</c>).</summary>
public sealed class UpstreamOptions
{
    /// <summary>The upper fleet's HTTP(S) address, where the claim code is redeemed (<c>POST /api/v1/provision</c>).</summary>
    public string? Url { get; set; }

    /// <summary>The claim code the upper fleet enrolled this fleet with (role <c>fleet</c>); used once, then the credentials in <c>federation-identity.json</c>.</summary>
    public string? ClaimCode { get; set; }

    /// <summary><c>host:port</c> of the upper fleet's MQTT broker; by default the one its provisioning answer names.</summary>
    public string? Broker { get; set; }

    /// <summary>Events per forwarded batch (one device's), at most <see cref="WireLimits.MaxEventsPerBatch"/>.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long to wait for the upper fleet's ack of a batch before sending it again, in seconds.</summary>
    public double AckTimeoutSeconds { get; set; } = 10;

    /// <summary>Pause after a failure (upper fleet unreachable, refusal) and between rounds with nothing to send, in seconds.</summary>
    public double RetrySeconds { get; set; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
