using Edge.Device.Configuration;

namespace Edge.Device.Outbox;

/// <summary>The outbox's services: the store and its fault counts (options section "Outbox").</summary>
public static class OutboxRegistration
{
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddListedOptions<OutboxOptions>(OutboxOptions.Section);
        services.AddSingleton<StorageFaults>();
        services.AddSingleton<IOutboxFileOpener, LiteOutboxFileOpener>();
        services.AddSingleton<OutboxStore>();
        return services;
    }
}
