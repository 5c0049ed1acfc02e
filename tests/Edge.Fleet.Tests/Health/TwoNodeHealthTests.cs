using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Tests.Scale;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace Edge.Fleet.Tests.Health;

/// <summary>
/// Two real fleet nodes on a real Mosquitto and PostgreSQL (the configuration that ships for several nodes): both
/// receive the device's status and heartbeat; the history keeps the heartbeat once and both nodes answer the same.
/// </summary>
public sealed class TwoNodeHealthTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Both_nodes_answer_the_same_health_and_the_heartbeat_is_recorded_once()
    {
        using var mosquitto = await ThrowawayMosquitto.StartAsync();
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        using var data = new TempFolder("two-nodes-health");
        string[] store = ["--Store:Kind", "postgres", "--Store:Postgres:ConnectionString", connectionString];
        using var nodeA = await ExternalFleetNode.StartAsync("node-a", mosquitto.Port, data["a"], waitForBroker: true, store);
        using var nodeB = await ExternalFleetNode.StartAsync("node-b", mosquitto.Port, data["b"], waitForBroker: true, store);
        await using var db = NpgsqlDataSource.Create(connectionString);

        using var device = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("dev-h1").Build(), timeout.Token);
        await PublishAsync(device, Topics.Status("dev-h1"), JsonSerializer.SerializeToUtf8Bytes(
            new DeviceStatus(true, "s1", DateTimeOffset.UtcNow), WireJson.Default.DeviceStatus), timeout.Token);
        var report = new HealthReport { At = DateTimeOffset.UtcNow, UptimeS = 42, UptimeMs = 42_000, Run = "r1", ClockSynced = true, OutboxDepth = 7 };
        await PublishAsync(device, Topics.Health("dev-h1"), JsonSerializer.SerializeToUtf8Bytes(report, WireJson.Default.HealthReport), timeout.Token);

        foreach (var node in new[] { nodeA, nodeB })
        {
            await Eventually.TrueAsync(async () => await DeviceAsync(node) is { } d
                                                   && d.GetProperty("online").GetBoolean()
                                                   && d.GetProperty("outboxDepth").ValueKind == JsonValueKind.Number,
                TimeSpan.FromSeconds(30), "dev-h1 online with its heartbeat");
        }

        // Both recorders have written by now (each writes within about a second of receiving).
        await Eventually.TrueAsync(async () => await CountAsync(db, "SELECT count(*) FROM health_latest") == 1, TimeSpan.FromSeconds(10), "latest written");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM health_history WHERE device_id = 'dev-h1'"));
        Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM device_presence WHERE device_id = 'dev-h1' AND online"));

        var a = (await DeviceAsync(nodeA))!.Value;
        var b = (await DeviceAsync(nodeB))!.Value;
        Assert.Equal((7L, "connected"), (a.GetProperty("outboxDepth").GetInt64(), a.GetProperty("reason").GetString()));
        Assert.Equal((7L, "connected"), (b.GetProperty("outboxDepth").GetInt64(), b.GetProperty("reason").GetString()));
        var history = await nodeB.Http.GetFromJsonAsync<JsonElement>("/api/v1/health/dev-h1");
        Assert.Equal(1, history.GetProperty("history").GetArrayLength());

        // Going offline reaches both nodes' answers through the store.
        await PublishAsync(device, Topics.Status("dev-h1"), JsonSerializer.SerializeToUtf8Bytes(
            new DeviceStatus(false, "s1", DateTimeOffset.UtcNow), WireJson.Default.DeviceStatus), timeout.Token);
        foreach (var node in new[] { nodeA, nodeB })
        {
            await Eventually.TrueAsync(async () => await DeviceAsync(node) is { } d && d.GetProperty("reason").GetString() == "disconnected",
                TimeSpan.FromSeconds(30), "dev-h1 disconnected");
        }

        await device.DisconnectAsync(cancellationToken: timeout.Token);
        nodeA.AssertNoErrorsLogged();
        nodeB.AssertNoErrorsLogged();
    }

    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, CancellationToken cancellationToken) =>
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);

    private static async Task<JsonElement?> DeviceAsync(ExternalFleetNode node)
    {
        var devices = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/health");
        return devices.EnumerateArray().Where(d => d.GetProperty("id").GetString() == "dev-h1").Select(d => (JsonElement?)d).FirstOrDefault();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
