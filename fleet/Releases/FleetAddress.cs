using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>The fleet's HTTP address as devices should use it: <c>Releases:PublicUrl</c>, or the first address served.</summary>
public sealed class FleetAddress(IOptions<ReleaseOptions> options, IServiceProvider services)
{
    public string BaseUrl()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl;
        }

        var served = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:8080";
        // A wildcard binding says nothing devices can use; loopback at least works on the same machine.
        return served.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1");
    }
}
