using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// What the drained device talks to, started only once its backlog is built: the fleet as shipped, or Mosquitto on the
/// port the device was given, PostgreSQL (fsync on) and one fleet node in external mode.
/// </summary>
internal sealed class DrainServers : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly DrainOptions _options;
    private readonly FleetRunner? _embedded;
    private FleetRunner? _node;
    private ThrowawayMosquitto? _mosquitto;
    private ThrowawayPostgres? _postgres;

    public DrainServers(TempFolder folder, DrainOptions options)
    {
        _folder = folder;
        _options = options;
        if (options.OnPostgres)
        {
            DeviceMqttPort = FreePort.Next();
        }
        else
        {
            // Made before the device, so that the device finds it and provisions itself by claim code.
            _embedded = new FleetRunner(folder["fleet"]) { Environment = options.FleetEnvironment };
            DeviceMqttPort = _embedded.MqttPort;
        }
    }

    public int DeviceMqttPort { get; }

    public string Name => _options.OnPostgres ? "fleet node on Mosquitto + PostgreSQL" : "fleet, embedded broker + LiteDB";

    public async Task StartAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.StartAsync();
            return;
        }

        _postgres = await ThrowawayPostgres.StartAsync(durable: true);
        var connectionString = await _postgres.CreateDatabaseAsync();
        _mosquitto = await ThrowawayMosquitto.StartAsync(port: DeviceMqttPort);
        _node = new FleetRunner(_folder["fleet-node"],
            "--Broker:Mode=external",
            "--Broker:External:Host=127.0.0.1",
            $"--Broker:External:Port={DeviceMqttPort}",
            "--Broker:External:ClientId=bench-drain-node",
            "--Store:Kind=postgres",
            $"--Store:Postgres:ConnectionString={connectionString}")
        {
            Environment = _options.FleetEnvironment,
        };
        await _node.StartAsync();
        await Eventually.TrueAsync(
            () => Task.FromResult(_node.Output.Contains("Connected to broker", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the fleet node to connect to Mosquitto");
    }

    /// <summary>The server processes whose CPU counts, by name (PostgreSQL: the postmaster and its backends).</summary>
    public IEnumerable<(string Name, int Pid)> Processes()
    {
        if (_embedded is not null)
        {
            return [("fleet", _embedded.Process.Id)];
        }

        return
        [
            ("fleet", _node!.Process.Id),
            ("mosquitto", _mosquitto!.ProcessId),
            .. IngestTarget.PostgresPids(_postgres!.Port).Select(pid => ("postgres", pid)),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        _embedded?.Dispose();
        _node?.Dispose();
        _mosquitto?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
