using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// What each session of the embedded broker is subscribed to (its filters and the QoS granted for each), kept in the
/// session's items (a new clean session starts with none): <see cref="DeviceSessionDelivery"/> hands a device's
/// downlink messages to its session directly, past MQTTnet's matching of every connected session, and asks this
/// first, so a session receives exactly what a routed publish would have given it.
/// </summary>
public static class SessionSubscriptions
{
    private static readonly object Key = new();

    public static void Track(MqttServer server)
    {
        server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        server.ClientUnsubscribedTopicAsync += OnUnsubscribedAsync;
    }

    public static void Untrack(MqttServer server)
    {
        server.ClientSubscribedTopicAsync -= OnSubscribedAsync;
        server.ClientUnsubscribedTopicAsync -= OnUnsubscribedAsync;
    }

    /// <summary>The QoS <paramref name="session"/> receives <paramref name="topic"/> with (the highest its matching filters were granted), or null when none matches.</summary>
    public static MqttQualityOfServiceLevel? Granted(MqttSessionStatus session, string topic) =>
        session.Items[Key] is Filters filters ? filters.Granted(topic) : null;

    private static Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (e.SessionItems[Key] is not Filters filters)
        {
            filters = new Filters();
            e.SessionItems[Key] = filters;
        }

        filters.Set(e.TopicFilter.Topic, e.TopicFilter.QualityOfServiceLevel);
        return Task.CompletedTask;
    }

    private static Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        (e.SessionItems[Key] as Filters)?.Remove(e.TopicFilter);
        return Task.CompletedTask;
    }

    /// <summary>One session's filters: written by its own connection, read by whoever delivers to it.</summary>
    private sealed class Filters
    {
        private readonly Lock _lock = new();
        private KeyValuePair<string, MqttQualityOfServiceLevel>[] _filters = [];

        public void Set(string filter, MqttQualityOfServiceLevel qos)
        {
            lock (_lock)
            {
                _filters = [.. _filters.Where(f => f.Key != filter), new(filter, qos)];
            }
        }

        public void Remove(string filter)
        {
            lock (_lock)
            {
                _filters = [.. _filters.Where(f => f.Key != filter)];
            }
        }

        public MqttQualityOfServiceLevel? Granted(string topic)
        {
            MqttQualityOfServiceLevel? granted = null;
            foreach (var (filter, qos) in Volatile.Read(ref _filters))
            {
                if (MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch && (granted is null || qos > granted))
                {
                    granted = qos;
                }
            }

            return granted;
        }
    }
}
