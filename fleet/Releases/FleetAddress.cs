using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>The fleet's HTTP address as devices should use it: <c>Releases:PublicUrl</c>, or the first (https) address served.</summary>
public sealed class FleetAddress(IOptions<ReleaseOptions> options, IServiceProvider services)
{
    public string BaseUrl()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl;
        }

        // HTTPS first: with TLS a kept plaintext listener is on loopback only, and devices pin the fleet's CA anyway.
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var served = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault() ?? "http://127.0.0.1:8080";
        // A wildcard binding says nothing devices can use; loopback at least works on the same machine.
        return served.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1");
    }
}
