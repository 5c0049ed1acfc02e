using Edge.Wire;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Which sessions of the embedded broker are subscribed to their own ack topic, marked in the session's items (a new
/// clean session starts without the mark). <see cref="EmbeddedAckSender"/> hands acks to a session directly, past
/// MQTTnet's subscription matching, and asks this first: a device that reconnected but has not subscribed yet gets
/// nothing, as a routed publish would have given it nothing (its ack follows its "online" status).
/// </summary>
public static class OwnAckSubscriptions
{
    private static readonly object Mark = new();

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

    public static bool IsSubscribed(MqttSessionStatus session) => session.Items.Contains(Mark);

    private static Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (e.TopicFilter.Topic == Topics.Ack(e.ClientId))
        {
            e.SessionItems[Mark] = true;
        }

        return Task.CompletedTask;
    }

    private static Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        if (e.TopicFilter == Topics.Ack(e.ClientId))
        {
            e.SessionItems.Remove(Mark);
        }

        return Task.CompletedTask;
    }
}
