using Edge.Wire;

namespace Edge.Fleet.Ingest;

/// <summary>
/// A feature that must take a device's events batch before ingest stores it: the queue's waiting lists, so that the
/// ack sent once the batch is stored never frees events the lists lack. It gets the batch as ingest read it, once,
/// after the payload was found to be a valid batch of the topic's device. False (the feature's store failed, logged
/// and counted by the feature): the batch is neither stored nor acknowledged and the device sends it again, so taking a
/// batch must be idempotent. Register with <see cref="BatchSubscriberRegistration.AddBatchGate{T}"/>.
/// </summary>
public interface IBatchGate
{
    Task<bool> BeforeStoreAsync(string deviceId, EventBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// A feature told of each batch once it is durably stored (the rating-key catalogue): "batch stored". It gets the batch
/// as read (redeliveries included) and must not throw nor block: keep what it needs and return.
/// Register with <see cref="BatchSubscriberRegistration.AddStoredBatchSubscriber{T}"/>.
/// </summary>
public interface IStoredBatchSubscriber
{
    void Stored(string deviceId, EventBatch batch);
}

public static class BatchSubscriberRegistration
{
    /// <summary>Makes the singleton <typeparamref name="T"/> (registered by its feature) a gate of every batch.</summary>
    public static IServiceCollection AddBatchGate<T>(this IServiceCollection services)
        where T : class, IBatchGate
    {
        services.AddSingleton<IBatchGate>(sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>Makes the singleton <typeparamref name="T"/> (registered by its feature) a subscriber of stored batches.</summary>
    public static IServiceCollection AddStoredBatchSubscriber<T>(this IServiceCollection services)
        where T : class, IStoredBatchSubscriber
    {
        services.AddSingleton<IStoredBatchSubscriber>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
