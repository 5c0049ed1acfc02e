using System.Text;
using System.Threading.Channels;
using Edge.Fleet.Broker;
using Edge.Testing;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Server;

namespace Edge.Fleet.Tests.Broker;

/// <summary>
/// A bare embedded broker on a free loopback port (<see cref="EmbeddedBroker.CreateServer"/>) with the fleet's
/// downlink pieces attached (<see cref="SessionSubscriptions"/>, <see cref="RetainedDownlinks"/>), no access control,
/// and MQTT 5 clients that collect what they receive.
/// </summary>
public sealed class LoopbackMqtt : IAsyncDisposable
{
    private LoopbackMqtt(MqttServer server, int port, bool devicesMustAuthenticate)
    {
        Server = server;
        Port = port;
        Retained = new RetainedDownlinks(server);
        Downlink = new EmbeddedDeviceDownlink(
            new DeviceSessionDelivery(server, Options.Create(new DeviceAuthOptions { DeviceAuth = devicesMustAuthenticate ? DeviceAuthOptions.Required : DeviceAuthOptions.Open })),
            Retained);
    }

    public MqttServer Server { get; }

    public int Port { get; }

    public RetainedDownlinks Retained { get; }

    public EmbeddedDeviceDownlink Downlink { get; }

    public static async Task<LoopbackMqtt> StartAsync(bool devicesMustAuthenticate = true)
    {
        var port = FreePort.Next();
        var broker = new LoopbackMqtt(EmbeddedBroker.CreateServer(new MqttOptions { Port = port, BindAddress = "127.0.0.1" }, certificate: null), port, devicesMustAuthenticate);
        SessionSubscriptions.Track(broker.Server);
        broker.Retained.Attach();
        await broker.Server.StartAsync();
        return broker;
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public async Task<(IMqttClient Client, Channel<MqttApplicationMessage> Received)> ConnectAsync(string id, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var received = Channel.CreateUnbounded<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId(id)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(), cancellationToken);
        return (client, received);
    }

    public async ValueTask DisposeAsync()
    {
        Retained.Detach();
        SessionSubscriptions.Untrack(Server);
        await Server.StopAsync();
        Server.Dispose();
    }
}
