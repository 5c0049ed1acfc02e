using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Device.Uplink;
using Edge.Wire;

namespace Edge.Device.Updates;

/// <summary>
/// Takes the fleet's offers from <c>edge/v1/{device}/update</c> (retained) and queues them for
/// <see cref="UpdateInstaller"/>. An unreadable offer is logged and counted, never acted on.
/// </summary>
public sealed class UpdateOffers(ILogger<UpdateOffers> logger) : IDownlinkHandler
{
    private readonly Channel<UpdateOffer> _offers = Channel.CreateBounded<UpdateOffer>(
        new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private long _rejected;

    /// <summary>Offers that were not JSON or missed a field.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public ChannelReader<UpdateOffer> Reader => _offers.Reader;

    public string Filter(string deviceId) => UpdateTopics.Offer(deviceId);

    public bool Accepts(string topic, string deviceId) => UpdateTopics.IsOffer(topic, deviceId);

    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            // The fleet withdrew its offer (the maintenance window closed before the device acted on it).
            logger.LogInformation("Update offer withdrawn by the fleet");
            return Task.CompletedTask;
        }

        UpdateOffer? offer;
        try
        {
            var reader = new Utf8JsonReader(payload);
            offer = JsonSerializer.Deserialize(ref reader, ReleaseJson.Default.UpdateOffer);
        }
        catch (JsonException ex)
        {
            Reject($"not readable: {ex.Message}");
            return Task.CompletedTask;
        }

        if (offer is null || string.IsNullOrEmpty(offer.RolloutId) || string.IsNullOrEmpty(offer.Url) || string.IsNullOrEmpty(offer.ReportUrl)
            || string.IsNullOrEmpty(offer.Token) || offer.Version is null || offer.Sha256 is null || offer.Signature is null)
        {
            Reject("a field is missing");
            return Task.CompletedTask;
        }

        logger.LogInformation("Update offer {Version} (rollout {Rollout}){Retained}", offer.Version, offer.RolloutId, retained ? " (retained)" : "");
        _offers.Writer.TryWrite(offer);
        return Task.CompletedTask;
    }

    private void Reject(string why)
    {
        Interlocked.Increment(ref _rejected);
        logger.LogWarning("Ignored an update offer: {Why} ({Count} ignored so far)", why, Rejected);
    }
}
