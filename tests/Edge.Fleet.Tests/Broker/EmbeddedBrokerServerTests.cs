using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Edge.Fleet.Broker;
using Edge.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Tests.Broker;

/// <summary>
/// The MQTTnet server exactly as <see cref="EmbeddedBroker.CreateServer"/> configures it, over real TCP on loopback.
/// Its per-connection packet writer starts small (issue 14: memory per idle connection); a packet whose header is
/// larger must make it grow, and one larger than its maximum shrink it back, without damaging what is sent.
/// </summary>
public sealed class EmbeddedBrokerServerTests
{
    [Fact]
    public async Task Packets_larger_than_a_connection_writer_arrive_whole_and_smaller_ones_after_them_too()
    {
        var port = FreePort.Next();
        using var server = EmbeddedBroker.CreateServer(new MqttOptions { Port = port, BindAddress = "127.0.0.1" }, certificate: null);
        await server.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var received = Channel.CreateUnbounded<MqttApplicationMessage>();
            client.ApplicationMessageReceivedAsync += e =>
            {
                received.Writer.TryWrite(e.ApplicationMessage);
                return Task.CompletedTask;
            };
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("writer-probe").Build(), timeout.Token);
            await client.SubscribeAsync("probe/#", MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);

            // Header sizes (topic and a user property): within the initial writer, past its maximum, between the two, small.
            int[] sizes = [10, EmbeddedBroker.WriterBufferSizeMax * 4, EmbeddedBroker.WriterBufferSizeMax / 2, 20];
            foreach (var size in sizes)
            {
                var topic = "probe/" + new string('t', size);
                var property = new string('p', size);
                var payload = Enumerable.Range(0, size * 3).Select(i => (byte)i).ToArray();
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(topic)
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithUserProperty("pad", Encoding.UTF8.GetBytes(property))
                    .Build();
                await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "fleet" }, timeout.Token);

                var got = await received.Reader.ReadAsync(timeout.Token);
                Assert.Equal(topic, got.Topic);
                Assert.Equal(payload, got.Payload.ToArray());
                Assert.Equal(property, Encoding.UTF8.GetString(Assert.Single(got.UserProperties).ValueBuffer.Span));
            }
        }
        finally
        {
            await server.StopAsync();
        }
    }
}
