using System.Net;
using Edge.Hosting;

namespace Edge.Fleet.Tls;

/// <summary>
/// The fleet's plaintext HTTP listener beside HTTPS (section <c>Http</c>), the same shape as <c>Mqtt:KeepPlaintext</c>
/// and <c>Mqtt:PlaintextBindAddress</c>. Without <c>Tls:Certificate</c> the addresses of <c>--urls</c> are served as
/// given and this is ignored.
/// </summary>
public sealed class FleetHttpOptions : ICheckedOptions
{
    public const string Section = "Http";

    /// <summary>
    /// With TLS configured, whether the <c>http://</c> addresses of <c>--urls</c> are served too (off by default: logins,
    /// API tokens, claim codes and device secrets would cross the network in clear).
    /// </summary>
    public bool KeepPlaintext { get; set; }

    /// <summary>Where a kept plaintext listener listens beside HTTPS: this machine only unless said otherwise.</summary>
    public string PlaintextBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Nothing to check on the values alone: they are checked with the addresses they apply to (<see cref="HttpListenPlan.Problems"/>).</summary>
    public IEnumerable<string> Validate() => [];
}

/// <summary>
/// What Kestrel listens on once TLS is taken into account, decided from the configured addresses before the host is
/// built: with TLS every <c>https://</c> address is served with the fleet's certificate, and the <c>http://</c> ones
/// are left out, or, when kept, moved to <see cref="FleetHttpOptions.PlaintextBindAddress"/> (same port).
/// </summary>
public sealed record HttpListenPlan(bool TlsEnabled, IReadOnlyList<string> Urls, IReadOnlyList<string> LeftOut, IReadOnlyList<string> Problems)
{
    /// <summary>ASP.NET Core's address when none is configured.</summary>
    public const string DefaultUrl = "http://localhost:5000";

    public static HttpListenPlan Without(IReadOnlyList<string> urls) => new(false, urls, [], []);

    /// <summary>The plan for <paramref name="configured"/> addresses (<c>--urls</c>, or the <c>http_ports</c>/<c>https_ports</c> settings).</summary>
    public static HttpListenPlan With(IReadOnlyList<string> configured, FleetHttpOptions http)
    {
        var problems = new List<string>();
        if (http.KeepPlaintext && !IPAddress.TryParse(http.PlaintextBindAddress, out _))
        {
            problems.Add($"{FleetHttpOptions.Section}:{nameof(FleetHttpOptions.PlaintextBindAddress)} must be an IP address (got '{http.PlaintextBindAddress}')");
        }

        var served = new List<string>();
        var leftOut = new List<string>();
        foreach (var url in configured)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                problems.Add($"urls: '{url}' is not an address ({ex.Message})");
                continue;
            }

            if (address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                served.Add(url);
            }
            else if (http.KeepPlaintext && problems.Count == 0)
            {
                var host = IPAddress.Parse(http.PlaintextBindAddress);
                var shown = host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
                served.Add($"{address.Scheme}://{shown}:{address.Port}{address.PathBase}");
            }
            else
            {
                leftOut.Add(url);
            }
        }

        if (!served.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{FleetTlsOptions.Section}:{nameof(FleetTlsOptions.Certificate)} is set but no https:// address is configured: "
                + $"give one, e.g. --urls https://0.0.0.0:8443 (got '{string.Join(";", configured)}')");
        }

        return new HttpListenPlan(true, served, leftOut, problems);
    }

    /// <summary>The addresses the host is configured with: <c>urls</c>, else <c>http_ports</c> and <c>https_ports</c>, else ASP.NET Core's default.</summary>
    public static IReadOnlyList<string> ConfiguredUrls(IConfiguration configuration)
    {
        static string[] Split(string? value) => (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var urls = Split(configuration["urls"]);
        if (urls.Length > 0)
        {
            return urls;
        }

        var ports = Split(configuration["http_ports"]).Select(p => $"http://*:{p}")
            .Concat(Split(configuration["https_ports"]).Select(p => $"https://*:{p}"))
            .ToList();
        return ports.Count > 0 ? ports : [DefaultUrl];
    }
}
