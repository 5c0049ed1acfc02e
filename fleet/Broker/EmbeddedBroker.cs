using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.Fleet.Ingest;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Runs the MQTTnet server devices connect to and hands their messages to <see cref="DeviceMessageRouter"/>.
/// Events are consumed in <c>InterceptingPublishAsync</c>, which MQTTnet awaits before it queues the PUBACK and
/// before it reads the connection's next packet: a refused batch gets a failure reason code (MQTT 5); a valid one is
/// acknowledged once stored, or once queued for the group commit when the commit takes longer
/// (<see cref="IngestHandOff.WhenQueued"/>), so that a draining device's next batches join the same commit. Its
/// events are freed by the fleet's ack, which follows the durable commit either way.
/// Events are not routed to subscribers (ProcessPublish = false), which leaves the PUBACK's reason code as set here;
/// nor are the devices' reports (status, health, configuration, command results): the fleet reads them here and
/// no device may subscribe to them, so routing or retaining them would only cost every later publish and SUBSCRIBE.
/// </summary>
public sealed class EmbeddedBroker(
    MqttServer server,
    DeviceMessageRouter router,
    DeviceAccessControl access,
    RetainedDownlinks retained,
    IOptions<MqttOptions> options,
    ILogger<EmbeddedBroker> logger) : IHostedService
{
    public static MqttServer CreateServer(MqttOptions options, X509Certificate2? certificate)
    {
        // MQTTnet listens with a backlog of 100: when a fleet's devices come back together (a power cut at a centre, a
        // restart of the fleet) the SYNs past it are dropped and each such device waits for its TCP retransmission (1 s,
        // then 2 s, ...). The kernel caps the value at net.core.somaxconn (4096 by default).
        var builder = new MqttServerOptionsBuilder().WithConnectionBacklog(ConnectionBacklog);
        if (options.PlaintextEnabled)
        {
            builder
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(options.PlaintextAddress))
                .WithDefaultEndpointPort(options.Port);
        }
        else
        {
            builder.WithoutDefaultEndpoint();
        }

        if (options.TlsEnabled && certificate is not null)
        {
            builder
                .WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(IPAddress.Parse(options.BindAddress))
                .WithEncryptedEndpointPort(options.TlsPort)
                .WithEncryptionCertificate(certificate)
                .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13);
        }

        var serverOptions = builder.Build();
        // Each connection keeps its own packet writer for its lifetime; MQTTnet starts it at 4 KiB, which a device
        // never needs: the writer holds a packet without its payload (sent from the message itself), so a CONNACK,
        // SUBACK, PUBACK or a publish's topic and properties, tens of bytes. It grows on demand and shrinks back after
        // a packet larger than the maximum (issue 14: memory per idle connection).
        serverOptions.WriterBufferSize = WriterBufferSize;
        serverOptions.WriterBufferSizeMax = WriterBufferSizeMax;
        return new MqttServerFactory().CreateMqttServer(serverOptions);
    }

    /// <summary>Connections the kernel queues for the broker to accept (both listeners; MQTTnet's default: 100).</summary>
    public const int ConnectionBacklog = 1024;

    /// <summary>Initial size, in bytes, of the packet writer every connection keeps (MQTTnet's default: 4,096).</summary>
    public const int WriterBufferSize = 256;

    /// <summary>Size, in bytes, a connection's packet writer shrinks back to after a larger packet.</summary>
    public const int WriterBufferSizeMax = 1024;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        access.Attach(server);
        SessionSubscriptions.Track(server);
        retained.Attach();
        server.InterceptingPublishAsync += OnPublishAsync;
        server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        await server.StartAsync();
        if (options.Value.PlaintextEnabled)
        {
            logger.LogInformation("MQTT broker listening on {Address}:{Port}", options.Value.PlaintextAddress, options.Value.Port);
        }
        else
        {
            logger.LogInformation("MQTT plaintext listener off: TLS is configured (Mqtt:KeepPlaintext=true keeps it, on Mqtt:PlaintextBindAddress)");
        }

        if (options.Value.TlsEnabled)
        {
            logger.LogInformation("MQTT broker listening with TLS on {Address}:{Port}", options.Value.BindAddress, options.Value.TlsPort);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await server.StopAsync();
        server.InterceptingPublishAsync -= OnPublishAsync;
        server.ClientDisconnectedAsync -= OnClientDisconnectedAsync;
        retained.Detach();
        SessionSubscriptions.Untrack(server);
        access.Detach(server);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (!access.MayPublish(e))
        {
            return;
        }

        var message = e.ApplicationMessage;
        IngestResult? result;
        try
        {
            result = await router.RouteAsync(e.ClientId, message.Topic, message.Payload, e.CancellationToken, IngestHandOff.WhenQueued);
        }
        catch (OperationCanceledException)
        {
            result = IngestResult.NotStored;
        }
        catch (Exception ex)
        {
            // Never let one message take the broker down; the device resends what was not acknowledged.
            logger.LogError(ex, "Handling a message on {Topic} failed", message.Topic);
            result = IngestResult.NotStored;
        }

        if (result is not { } outcome)
        {
            if (Topics.TryParse(message.Topic, out var address) && address.Kind is TopicKind.Status or TopicKind.Health or TopicKind.ConfigReported or TopicKind.CommandResult)
            {
                // A device's report is the fleet's alone (no device may subscribe to another's uplink, DeviceTopicRules),
                // and it has been read above. Routed on, each one (a will too) made MQTTnet check every subscribed
                // session, and a retained status stayed for every later SUBSCRIBE to scan: both grow with the fleet
                // (issue 14). Acknowledged as handled, neither routed nor retained.
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.Success;
            }

            return;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = ToReasonCode(outcome);
        if (outcome != IngestResult.Stored)
        {
            e.Response.ReasonString = outcome.CounterName();
        }
    }

    private async Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // A takeover means the same client id connected again: its new connection is the one that counts.
        if (e.DisconnectType != MqttClientDisconnectType.Takeover)
        {
            await router.ClientDisconnectedAsync(e.ClientId, CancellationToken.None);
        }
    }

    private static MqttPubAckReasonCode ToReasonCode(IngestResult result) => result switch
    {
        IngestResult.Stored => MqttPubAckReasonCode.Success,
        IngestResult.Malformed or IngestResult.InvalidSeq => MqttPubAckReasonCode.PayloadFormatInvalid,
        IngestResult.Oversized or IngestResult.TooManyEvents => MqttPubAckReasonCode.QuotaExceeded,
        IngestResult.DeviceMismatch => MqttPubAckReasonCode.NotAuthorized,
        _ => MqttPubAckReasonCode.ImplementationSpecificError,
    };
}
