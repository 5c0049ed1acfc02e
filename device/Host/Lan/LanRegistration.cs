using Edge.Device.Configuration;
using Edge.Device.Local;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

public static class LanRegistration
{
    /// <summary>The centre's LAN: options, known peers, the signed client and the counts (and the gate on the LAN port, <see cref="LanGate"/>).</summary>
    public static IServiceCollection AddLan(this IServiceCollection services)
    {
        services.AddListedOptions<LanOptions>(LanOptions.Section);
        services.AddSingleton<LanCounts>();
        services.AddSingleton<LanPeers>();
        services.AddSingleton<CentreKeys>();
        services.AddSingleton<CentreQueueRules>();
        services.AddSingleton<LanClient>();
        services.AddSingleton<LanInfoReceiver>();
        services.AddSingleton<ILocalGate, LanGate>();
        services.AddSingleton<Uplink.IDownlinkHandler>(sp => sp.GetRequiredService<LanInfoReceiver>());
        return services;
    }

    /// <summary>Requests on the LAN port reach the LAN handlers only, signed (<see cref="LanGate"/>); <c>GET /lan</c> (loopback) shows the counts.</summary>
    public static LocalRoutes MapLan(this LocalRoutes routes)
    {
        routes.MapGet("/lan", r =>
        {
            var (counts, keys, peers, rules) = (r.Service<LanCounts>(), r.Service<CentreKeys>(), r.Service<LanPeers>(), r.Service<CentreQueueRules>());
            return LocalAnswer.Json(
                new LanView(keys.Ready, r.Service<IOptions<LanOptions>>().Value.Listen, keys.Source, keys.FleetVersion, peers.Count(), peers.FromFleetCount(),
                    rules.Current.PriorityRun, (int)rules.Current.OrdinaryWaitLimit.TotalSeconds,
                    counts.Refused, counts.LocalCalls, counts.LocalTransfers, counts.TakenElsewhere, counts.PeerFailures, counts.LanInfos, counts.BadLanInfos)
                {
                    UnconfirmedClaims = r.Service<IUnconfirmedClaimCount>().Count,
                },
                LanViewJson.Default.LanView);
        });
        return routes;
    }
}

/// <summary>
/// The local <c>/lan</c> view: <see cref="Enabled"/> when the device serves the LAN and knows a key; where the key comes
/// from (<c>configuration</c>, <c>fleet</c>, <c>none</c>) and the fleet key's version; peers known (all, and from the fleet);
/// the fairness rule local calls use (the fleet's, <see cref="CentreQueueRules"/>).
/// </summary>
public sealed record LanView(
    bool Enabled, string Listen, string KeySource, long KeyVersion, int Peers, int PeersFromFleet, int PriorityRun, int OrdinaryWaitSeconds,
    long Refused, long LocalCalls, long LocalTransfers, long TakenElsewhere, long PeerFailures, long LanInfos, long BadLanInfos)
{
    /// <summary>Counter: fleet hand-outs called here whose confirmation has not reached the ticket's kiosk yet (sent again every second).</summary>
    public int UnconfirmedClaims { get; init; }
}

/// <summary>The <c>/lan</c> view's JSON (this feature's own context).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(LanView))]
internal sealed partial class LanViewJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>
/// How many tickets called over the LAN still wait for the fleet's confirmation, for the <c>/lan</c> view. The queue
/// (<c>Queue.UnconfirmedClaims</c>) implements it, so the LAN does not depend on the queue.
/// </summary>
public interface IUnconfirmedClaimCount
{
    int Count { get; }
}
