using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Scale;

/// <summary>
/// A fleet as a province would run it, on one machine: PostgreSQL, Mosquitto with its dynamic security plugin (the
/// fleet creates each device's account there at provisioning), three fleet nodes in external-broker mode sharing the
/// database, and haproxy balancing HTTP round-robin over them. Devices reach the fleet only through the balancer
/// (provisioning, update downloads and reports) and Mosquitto (MQTT), as they would in the field. Everything is a real process on 127.0.0.1.
/// </summary>
public sealed class FleetCluster : IAsyncDisposable
{
    public const string BrokerAdmin = "edge-admin";
    public const string BrokerAdminPassword = "broker-admin-secret-for-tests";
    public const string FleetLogin = "edge-fleet";
    public const string FleetPassword = "fleet-login-secret-for-tests";

    private readonly TempFolder _folder = new("cluster");
    private readonly List<IDisposable> _devices = [];
    private readonly string[] _extraNodeArgs;

    /// <summary>Chosen before the nodes start: they tell devices to download and report through it (<c>Releases:PublicUrl</c>).</summary>
    private readonly int _balancerPort = FreePort.Next();

    private FleetCluster(ThrowawayPostgres postgres, string connectionString, ThrowawayMosquitto mosquitto, string[] extraNodeArgs)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
        Mosquitto = mosquitto;
        _extraNodeArgs = extraNodeArgs;
    }

    public ThrowawayPostgres Postgres { get; }

    public string ConnectionString { get; }

    public ThrowawayMosquitto Mosquitto { get; }

    public List<FleetRunner> Nodes { get; } = [];

    public ThrowawayHaproxy Balancer { get; private set; } = null!;

    /// <summary>The balancer, with the administrator's token.</summary>
    public HttpClient Http { get; private set; } = null!;

    public static async Task<FleetCluster> StartAsync(int nodes = 3, params string[] extraNodeArgs)
    {
        // Durable (fsync and synchronous commit on, as shipped): the PostgreSQL-restart test stops the server like a crash,
        // and without them the server loses commits it had answered, which the fleet had acked (seen: a device acked to
        // 22 while the database, after the restart, held up to 20).
        var postgres = await ThrowawayPostgres.StartAsync(durable: true);
        ThrowawayMosquitto? mosquitto = null;
        FleetCluster? cluster = null;
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync();
            mosquitto = await ThrowawayMosquitto.StartAsync(dynamicSecurity: new MosquittoDynamicSecurity(BrokerAdmin, BrokerAdminPassword));
            cluster = new FleetCluster(postgres, connectionString, mosquitto, extraNodeArgs);
            for (var i = 1; i <= nodes; i++)
            {
                cluster.Nodes.Add(new FleetRunner(cluster._folder[$"node-{i}"], cluster.NodeArguments(i)));
            }

            // One node first: it migrates the schema and bootstraps the administrator; the others start together.
            await cluster.Nodes[0].StartAsync();
            await Task.WhenAll(cluster.Nodes.Skip(1).Select(n => n.StartAsync()));
            cluster.Balancer = await ThrowawayHaproxy.StartAsync([.. cluster.Nodes.Select(n => n.HttpPort)], cluster._balancerPort);
            cluster.Http = new HttpClient { BaseAddress = cluster.Balancer.Address, Timeout = TimeSpan.FromSeconds(30) };
            cluster.Http.DefaultRequestHeaders.Authorization = new("Bearer", FleetRunner.AdminToken);
            await Eventually.TrueAsync(async () => (await cluster.Http.GetAsync("/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the balancer to reach a node");
            return cluster;
        }
        catch
        {
            // A node that started must not outlive a cluster that did not (seen: one left running after its peer's port was taken).
            foreach (var node in cluster?.Nodes ?? [])
            {
                node.Dispose();
            }

            cluster?.Balancer?.Dispose();
            cluster?._folder.Dispose();
            mosquitto?.Dispose();
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Enrols a device through the balancer and starts a simulated device host that provisions itself with the claim
    /// code (through the balancer again) and then talks MQTT to Mosquitto with the secret it got.
    /// </summary>
    public async Task<DeviceRunner> StartDeviceAsync(string id, string centre, string counter, string role = "counter", params string[] args)
    {
        var code = await EnrolAsync(id, centre, counter, role);
        var device = new DeviceRunner(id, _folder[id], Mosquitto.Port,
        [
            .. args,
            $"--Device:Counter={counter}",
            "--Health:IntervalSeconds=1",
            $"--Provisioning:ClaimCode={code}",
            $"--Provisioning:FleetUrl={Balancer.Address.ToString().TrimEnd('/')}",
            "--Provisioning:AllowPlaintext=true",
        ]) { Centre = centre };
        _devices.Add(device);
        await device.StartAsync();
        return device;
    }

    /// <summary>A claim code for <paramref name="deviceId"/>, made through the balancer.</summary>
    public async Task<string> EnrolAsync(string deviceId, string centre, string counter, string role = "counter")
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/enrolments", new { centre, counter, role, deviceId });
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!
            : throw new InvalidOperationException($"enrolment refused: {(int)response.StatusCode} {body}");
    }

    /// <summary>Which node leads the singleton jobs now (by its /healthz), or null while none does.</summary>
    public async Task<FleetRunner?> LeaderAsync()
    {
        foreach (var node in Nodes.Where(n => n.IsRunning))
        {
            try
            {
                var health = await node.Http.GetFromJsonAsync<JsonElement>("/healthz");
                if (health.GetProperty("leader").GetBoolean())
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // A node going down: not the leader as far as anyone can tell.
            }
        }

        return null;
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        Balancer?.Dispose();
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Mosquitto.Dispose();
        await Postgres.DisposeAsync();
        _folder.Dispose();
    }

    private string[] NodeArguments(int i) =>
    [
        "--Broker:Mode=external",
        "--Broker:External:Host=127.0.0.1",
        $"--Broker:External:Port={Mosquitto.Port}",
        $"--Broker:External:ClientId=node-{i}",
        $"--Broker:External:Username={FleetLogin}",
        $"--Broker:External:Password={FleetPassword}",
        "--Broker:External:DynamicSecurity=true",
        $"--Broker:External:AdminUsername={BrokerAdmin}",
        $"--Broker:External:AdminPassword={BrokerAdminPassword}",
        "--Store:Kind=postgres",
        $"--Store:Postgres:ConnectionString={ConnectionString}",
        $"--Releases:PublicUrl=http://127.0.0.1:{_balancerPort}",
        .. _extraNodeArgs,
    ];
}
