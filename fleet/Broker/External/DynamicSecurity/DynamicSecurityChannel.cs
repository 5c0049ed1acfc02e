using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Broker.External.DynamicSecurity;

/// <summary>A command the plugin answered with an error (or did not answer in time).</summary>
public sealed class DynamicSecurityException(string message) : Exception(message);

/// <summary>The plugin's answer to one command: <see cref="Error"/> is null on success; <see cref="Data"/> for the get commands.</summary>
public sealed record DynamicSecurityResponse(string Command, string? Error, JsonElement? Data);

/// <summary>
/// This node's own MQTT connection to Mosquitto's dynamic security plugin, as its administrator
/// (<c>Broker:External:AdminUsername</c>). Commands go as JSON on <see cref="CommandTopic"/>, each with a
/// <c>correlationData</c> of its own; the plugin answers on <see cref="ResponseTopic"/>, and each command waits for the
/// answer carrying its correlation data, up to <c>Broker:External:CommandTimeout</c>. A connection separate from the
/// node's ingest connection: the administrator's login must not carry device traffic, and ingest must not see answers.
/// Connects on first use and again after a drop.
/// </summary>
public sealed class DynamicSecurityChannel(IOptions<BrokerOptions> options, ILogger<DynamicSecurityChannel> logger) : IAsyncDisposable
{
    public const string CommandTopic = "$CONTROL/dynamic-security/v1";
    public const string ResponseTopic = CommandTopic + "/response";

    private readonly ExternalBrokerOptions _options = options.Value.External;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<DynamicSecurityResponse>> _pending = new();
    private bool _handlerAttached;

    /// <summary>
    /// Sends <paramref name="commands"/> in one message (the plugin runs them in order) and returns their answers in the
    /// same order. Fails with <see cref="DynamicSecurityException"/> when an answer does not come in time.
    /// </summary>
    public async Task<IReadOnlyList<DynamicSecurityResponse>> SendAsync(IReadOnlyList<JsonObject> commands, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken);
        var ids = new List<string>(commands.Count);
        var answers = new List<Task<DynamicSecurityResponse>>(commands.Count);
        var batch = new JsonArray();
        foreach (var command in commands)
        {
            var id = Guid.NewGuid().ToString("N");
            var answer = new TaskCompletionSource<DynamicSecurityResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = answer;
            ids.Add(id);
            answers.Add(answer.Task);
            command["correlationData"] = id;
            batch.Add(command);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.CommandTimeout);
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(CommandTopic)
                .WithPayload(new JsonObject { ["commands"] = batch }.ToJsonString())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var published = await _client.PublishAsync(message, deadline.Token);
            if (!published.IsSuccess)
            {
                throw new DynamicSecurityException($"the broker refused the command message: {published.ReasonCode} {published.ReasonString}");
            }

            return await Task.WhenAll(answers).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DynamicSecurityException(
                $"the dynamic security plugin did not answer {string.Join(", ", commands.Select(c => (string?)c["command"]))} within {_options.CommandTimeout.TotalSeconds:F0} s");
        }
        finally
        {
            foreach (var id in ids)
            {
                _pending.TryRemove(id, out _);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                logger.LogDebug("Disconnect of the dynamic security channel was not clean: {Error}", ex.Message);
            }
        }

        _client.Dispose();
        _connecting.Dispose();
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_client.IsConnected)
            {
                return;
            }

            if (!_handlerAttached)
            {
                _client.ApplicationMessageReceivedAsync += OnMessageAsync;
                _handlerAttached = true;
            }

            var connect = new MqttClientOptionsBuilder()
                .WithTcpServer(_options.Host, _options.Port)
                .WithClientId($"{_options.NodeClientId}-dynsec")
                .WithCredentials(_options.AdminUsername, _options.AdminPassword)
                .WithCleanStart(true)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .Build();
            var connected = await _client.ConnectAsync(connect, cancellationToken);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new DynamicSecurityException($"the broker refused the dynamic security administrator '{_options.AdminUsername}': {connected.ResultCode} {connected.ReasonString}");
            }

            var subscribed = await _client.SubscribeAsync(ResponseTopic, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
            if (subscribed.Items.Any(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
                throw new DynamicSecurityException($"the broker refused {ResponseTopic} to '{_options.AdminUsername}': is it the plugin's administrator?");
            }

            logger.LogInformation("Dynamic security channel connected to {Host}:{Port} as {Admin}", _options.Host, _options.Port, _options.AdminUsername);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (e.ApplicationMessage.Topic != ResponseTopic)
        {
            return Task.CompletedTask;
        }

        try
        {
            using var document = JsonDocument.Parse(e.ApplicationMessage.Payload);
            if (!document.RootElement.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
            {
                return Task.CompletedTask;
            }

            foreach (var response in responses.EnumerateArray())
            {
                var id = response.TryGetProperty("correlationData", out var c) ? c.GetString() : null;
                if (id is null || !_pending.TryRemove(id, out var answer))
                {
                    continue;
                }

                answer.TrySetResult(new DynamicSecurityResponse(
                    response.TryGetProperty("command", out var command) ? command.GetString() ?? "" : "",
                    response.TryGetProperty("error", out var error) ? error.GetString() : null,
                    response.TryGetProperty("data", out var data) ? data.Clone() : null));
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored an unreadable dynamic security answer: {Error}", ex.Message);
        }

        return Task.CompletedTask;
    }
}
