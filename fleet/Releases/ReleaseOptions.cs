using Edge.Hosting;
using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>Host releases and rollouts (section <c>Releases</c>; fleet/Releases/README.md).</summary>
public sealed class ReleaseOptions : ICheckedOptions
{
    public const string Section = "Releases";

    /// <summary>
    /// The fleet's HTTP address as devices reach it, for the download and report URLs in offers
    /// (e.g. <c>https://fleet.example.vn</c>). Empty: the first address the server listens on.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>When set, an upload whose signature does not verify with this key is refused (the devices check anyway).</summary>
    public string TrustedPublicKey { get; set; } = "";

    /// <summary>How often rollouts advance (offers, withdrawals, next stages), in seconds.</summary>
    public double TickSeconds { get; set; } = 15;

    /// <summary>Largest archive an operator may upload.</summary>
    public long MaxArchiveBytes { get; set; } = 256L * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(PublicUrl)
            && !(Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"{ReleaseOptions.Section}:PublicUrl must be an http(s) URL (got '{PublicUrl}')");
        }

        if (!string.IsNullOrWhiteSpace(TrustedPublicKey))
        {
            using var key = ReleaseSignature.ImportPublicKey(TrustedPublicKey, out var error);
            if (key is null)
            {
                failures.Add($"{ReleaseOptions.Section}:TrustedPublicKey {error}");
            }
        }

        if (TickSeconds is < 0.2 or > 3600 || double.IsNaN(TickSeconds))
        {
            failures.Add($"{ReleaseOptions.Section}:TickSeconds must be 0.2-3600 (got {TickSeconds})");
        }

        if (MaxArchiveBytes < 1024)
        {
            failures.Add($"{ReleaseOptions.Section}:MaxArchiveBytes must be at least 1024 (got {MaxArchiveBytes})");
        }

        return failures;
    }
}
