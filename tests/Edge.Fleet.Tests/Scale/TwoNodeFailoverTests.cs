using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// The national set-up on one machine: a real Mosquitto, a real PostgreSQL, two real fleet processes in external
/// broker mode sharing one subscription group. One node is SIGKILLed while devices are sending; the other takes
/// the whole load, and PostgreSQL ends with every event exactly once.
/// </summary>
public sealed class TwoNodeFailoverTests(PostgresServerFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresServerFixture>
{
    private const int Devices = 20;
    private const int EventsPerDevice = 1_500;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Node_killed_during_ingest_loses_nothing_and_doubles_nothing()
    {
        using var mosquitto = await ThrowawayMosquitto.StartAsync();
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        using var data = new TempFolder("two-nodes");
        string[] store = ["--Store:Kind", "postgres", "--Store:Postgres:ConnectionString", connectionString];
        using var nodeA = await ExternalFleetNode.StartAsync("node-a", mosquitto.Port, data["a"], waitForBroker: true, store);
        using var nodeB = await ExternalFleetNode.StartAsync("node-b", mosquitto.Port, data["b"], waitForBroker: true, store);
        await using var db = NpgsqlDataSource.Create(connectionString);

        var devices = new List<ResendingDevice>();
        try
        {
            for (var d = 0; d < Devices; d++)
            {
                devices.Add(await ResendingDevice.ConnectAsync(mosquitto.Port, $"dev-{d:D2}", EventsPerDevice));
            }

            using var deadline = new CancellationTokenSource(Deadline);
            var sending = Task.WhenAll(devices.Select(d => d.RunAsync(batchSize: 10, window: 50, TimeSpan.FromSeconds(2), deadline.Token)));

            // Kill node A as soon as both nodes have taken a share, while devices still send (ingest is fast: waiting for a
            // larger share let it finish before the kill).
            await Eventually.TrueAsync(
                async () => await nodeA.EventsStoredAsync() > 0 && await nodeB.EventsStoredAsync() > 0,
                TimeSpan.FromSeconds(60),
                "both nodes storing events");
            var storedAtKill = await CountAsync(db, "SELECT count(*) FROM events");
            nodeA.Kill();

            await sending.WaitAsync(Deadline);
            output.WriteLine($"stored when node A was killed: {storedAtKill} of {Devices * EventsPerDevice}; "
                             + $"devices that resent after it: {devices.Count(d => d.Resends > 0)}, resends: {devices.Sum(d => d.Resends)}; "
                             + $"events in batches node B stored: {await nodeB.EventsStoredAsync()}");

            Assert.True(storedAtKill < Devices * EventsPerDevice, $"node A was killed after ingest ended ({storedAtKill} stored)");
            Assert.All(devices, d => Assert.Equal(EventsPerDevice, d.Acked));
            Assert.Equal(Devices * EventsPerDevice, await CountAsync(db, "SELECT count(*) FROM events"));
            Assert.Equal(Devices * EventsPerDevice, await CountAsync(db, "SELECT count(DISTINCT (device_id, seq)) FROM events"));
            Assert.Equal(Devices * EventsPerDevice, await CountAsync(db, "SELECT count(*) FROM ratings"));
            Assert.Equal(Devices, await CountAsync(db,
                $"SELECT count(*) FROM device_sequences WHERE up_to = {EventsPerDevice} AND max_seq = {EventsPerDevice} AND stored = {EventsPerDevice}"));

            var ratings = await nodeB.Http.GetFromJsonAsync<JsonElement>("/api/v1/stats/ratings");
            Assert.Equal(Devices * EventsPerDevice, ratings.GetProperty("total").GetInt64());
            nodeB.AssertNoErrorsLogged();
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
