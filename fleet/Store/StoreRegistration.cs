using Edge.Fleet.Store.Lite;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Store;

public static class StoreRegistration
{
    /// <summary>The embedded LiteDB store in <c>{Fleet:DataDir}/fleet.db</c>, opened on first use.</summary>
    public static IHostApplicationBuilder AddEventStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStoreOutages();
        builder.Services.AddSingleton<IEventStore>(sp => new LiteEventStore(
            sp.GetRequiredService<IOptions<FleetOptions>>().Value.StorePath, sp.GetRequiredService<StoreOutages>()));
        return builder;
    }
}
