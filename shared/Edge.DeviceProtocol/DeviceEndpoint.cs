using System.Net;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.DeviceProtocol;

/// <summary>
/// Where and as whom a device connects: the broker, the device id (the MQTT client id), the user name and password
/// issued at provisioning (the fleet refuses a device without them unless it runs with device authentication open),
/// keep-alive, TLS and, for a load generator spreading connections over loopback addresses, a local address.
/// </summary>
public sealed record DeviceEndpoint(string Host, int Port, string DeviceId, string Username, string Password, TimeSpan KeepAlive)
{
    /// <summary>Time allowed for the TCP, TLS and MQTT handshakes of one attempt.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>TLS of the connection; none means plain TCP.</summary>
    public MqttClientTlsOptions? Tls { get; init; }

    /// <summary>The local address the connection leaves from; none lets the system choose.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>
    /// Bytes of the socket's send and receive buffers; none keeps MQTTnet's 8 KiB. MQTTnet sets both before it connects,
    /// which turns off the kernel's tuning: a device draining a backlog in batches of a thousand events then waits on a
    /// window of a few KiB. The device host asks for <see cref="DrainSocketBuffer"/>; a load generator with thousands of
    /// idle clients keeps the default.
    /// </summary>
    public int? SocketBuffer { get; init; }

    /// <summary>The device host's socket buffers: a batch of 1,000 events (about 200 KiB of JSON) in flight at once.</summary>
    public const int DrainSocketBuffer = 1024 * 1024;

    /// <summary>
    /// The CONNECT of the device protocol: a clean start (the outbox, not the broker's session, carries what is not
    /// acknowledged) and a retained QoS 1 will on <c>edge/v1/{device}/status</c> saying <paramref name="offlineWill"/>.
    /// </summary>
    public MqttClientOptions ClientOptions(byte[] offlineWill)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithClientId(DeviceId)
            .WithCredentials(Username, Password)
            .WithTlsOptions(Tls ?? new MqttClientTlsOptionsBuilder().UseTls(false).Build())
            .WithCleanStart(true)
            .WithKeepAlivePeriod(KeepAlive)
            .WithTimeout(ConnectTimeout)
            .WithWillTopic(Topics.Status(DeviceId))
            .WithWillPayload(offlineWill)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        if (options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            if (LocalAddress is not null)
            {
                tcp.LocalEndpoint = new IPEndPoint(LocalAddress, 0);
            }

            if (SocketBuffer is { } bytes)
            {
                tcp.BufferSize = bytes;
            }
        }

        return options;
    }
}
