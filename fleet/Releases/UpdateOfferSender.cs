using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>Puts a retained update offer on <c>edge/v1/{device}/update</c>, or clears it.</summary>
public interface IUpdateOfferSender
{
    Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken);

    Task WithdrawAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>Through the downlink of the broker mode in use, retained, QoS 1; an empty retained message clears the offer.</summary>
public sealed class UpdateOfferSender(IDeviceDownlink downlink) : IUpdateOfferSender
{
    public Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken) =>
        downlink.PublishAsync(UpdateTopics.Offer(deviceId), JsonSerializer.SerializeToUtf8Bytes(offer, ReleaseJson.Default.UpdateOffer), retain: true, cancellationToken);

    public Task WithdrawAsync(string deviceId, CancellationToken cancellationToken) =>
        downlink.PublishAsync(UpdateTopics.Offer(deviceId), [], retain: true, cancellationToken);
}
