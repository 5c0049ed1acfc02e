using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// The embedded broker's retained downlink messages (a device's desired configuration, its commands, its centre's LAN
/// information, its update offer, a hall's board), kept by the fleet per device instead of by MQTTnet: MQTTnet's
/// server copies every retained message under one lock at each SUBSCRIBE and matches each against the new filters, so
/// one retained <c>lan</c> message per device made a reconnect storm of N devices cost O(N²) and held the threads
/// that accept connections in that lock (issue 14: with device authentication on, 4,500 of 10,000 devices back within
/// 75 s instead of all in 18 s). Here a SUBSCRIBE looks only at the messages kept for the device its filter names
/// (every downlink topic is <c>edge/v1/{device}/...</c>), and hands each match to the subscriber's session with the
/// retain flag, as MQTTnet did. Like MQTTnet's, they live in memory only; the fleet publishes them again when it
/// needs to (a device's "online" status brings its configuration check, LAN information and commands again).
/// </summary>
public sealed class RetainedDownlinks(MqttServer server)
{
    /// <summary>Where a message on a topic that names no one device is kept.</summary>
    private const string AnyDevice = "#";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, MqttApplicationMessage>> _byDevice = new(StringComparer.Ordinal);

    /// <summary>Messages kept now.</summary>
    public int Count => _byDevice.Values.Sum(d => d.Count);

    /// <summary>Keeps <paramref name="message"/> (retain flag set) for later subscribers; an empty payload removes what its topic had.</summary>
    public void Keep(MqttApplicationMessage message)
    {
        var device = DeviceSessionDelivery.DeviceOf(message.Topic) ?? AnyDevice;
        if (message.Payload.IsEmpty)
        {
            if (_byDevice.TryGetValue(device, out var kept))
            {
                kept.TryRemove(message.Topic, out _);
            }

            return;
        }

        _byDevice.GetOrAdd(device, _ => new ConcurrentDictionary<string, MqttApplicationMessage>(StringComparer.Ordinal))[message.Topic] = message;
    }

    public void Attach() => server.ClientSubscribedTopicAsync += OnSubscribedAsync;

    public void Detach() => server.ClientSubscribedTopicAsync -= OnSubscribedAsync;

    /// <summary>The kept messages a subscription to <paramref name="filter"/> receives.</summary>
    public IReadOnlyList<MqttApplicationMessage> Matching(string filter)
    {
        var candidates = DeviceSessionDelivery.DeviceOf(filter) is not { } device
            ? _byDevice.Values.SelectMany(d => d.Values)
            : _byDevice.TryGetValue(device, out var kept) ? kept.Values : [];
        return candidates.Where(m => MqttTopicFilterComparer.Compare(m.Topic, filter) == MqttTopicFilterCompareResult.IsMatch).ToList();
    }

    private async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        var matching = Matching(e.TopicFilter.Topic);
        if (matching.Count == 0)
        {
            return;
        }

        MqttSessionStatus session;
        try
        {
            session = await server.GetSessionAsync(e.ClientId);
        }
        catch (InvalidOperationException)
        {
            // MQTTnet's answer for "no such session": the subscriber is gone already.
            return;
        }

        foreach (var message in matching)
        {
            // Queued behind what the session already has (a full queue drops it, as it would drop a routed publish).
            session.TryEnqueueApplicationMessage(message, out _);
        }
    }
}
