using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// What the simulated devices connect to in a benchmark, and the server processes whose memory and CPU count:
/// the fleet with its embedded broker and LiteDB store; Mosquitto with the <see cref="EchoAcker"/> standing in for
/// the fleet (routing only, nothing stored); or the fleet as a node behind Mosquitto with PostgreSQL.
/// All on 127.0.0.1; disposing stops every process it started.
/// </summary>
public sealed class IngestTarget : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<Func<IEnumerable<int>>> _serverPids = [];
    private FleetRunner? _provisioningFleet;

    private IngestTarget(string name) => Name = name;

    public string Name { get; }

    public int Port { get; private set; }

    /// <summary>Output of the fleet process, when there is one (for a failing run's message).</summary>
    public Func<string> Output { get; private set; } = () => "";

    /// <summary>Anything the target itself counted, appended to a figure's note.</summary>
    public Func<string> Remarks { get; private set; } = () => "";

    public IReadOnlyList<int> ServerPids => _serverPids.SelectMany(p => p()).ToList();

    public long RssKiB => ServerPids.Sum(ProcessFacts.RssKiB);

    /// <summary>The anonymous part of <see cref="RssKiB"/> (heaps and compiled code, not mapped assembly files).</summary>
    public long RssAnonKiB => ServerPids.Sum(ProcessFacts.RssAnonKiB);

    /// <summary>
    /// The fleet alone as shipped: embedded MQTTnet broker, LiteDB store, device authentication on; the devices get
    /// their secrets from <see cref="ProvisionAsync"/> before they connect.
    /// </summary>
    public static Task<IngestTarget> FleetEmbeddedAsync(TempFolder folder) =>
        FleetEmbeddedAsync(folder["fleet-embedded"], devicesAuthenticate: true, "--Provisioning:AttemptsPerMinute=10000");

    /// <summary>
    /// The fleet alone with <c>Security:DeviceAuth=open</c>: for the 15,000-device idle runs, where provisioning every
    /// device by claim code would take longer than the measurement, and the Mosquitto peer takes anonymous clients too;
    /// the fleet's per-connect cost of checking a secret is therefore not in those figures (the storm's <c>open</c>
    /// option compares it with <see cref="FleetEmbeddedAsync"/>).
    /// </summary>
    public static Task<IngestTarget> FleetEmbeddedOpenAsync(TempFolder folder) =>
        FleetEmbeddedAsync(folder["fleet-embedded-open"], devicesAuthenticate: false, "--Security:DeviceAuth=open", name: "fleet (embedded broker, LiteDB, DeviceAuth=open)");

    /// <summary>
    /// Makes the devices of <paramref name="load"/> able to connect: on a fleet that requires device authentication each
    /// is provisioned by claim code (not timed by the callers); every other target takes them as they are.
    /// </summary>
    public Task ProvisionAsync(LoadOptions load) =>
        _provisioningFleet is null
            ? Task.CompletedTask
            : LoadDeviceProvisioning.ProvisionAsync(_provisioningFleet, FleetRunner.DefaultCentre, SimulatedDevices.Ids(load), load);

    /// <summary>
    /// The fleet as shipped (device authentication on) whose registry holds the devices of <paramref name="load"/>
    /// before it starts, device number i at centre <paramref name="centreOf"/>(i), their secrets in
    /// <see cref="LoadOptions.Passwords"/> (<see cref="RegistrySeed"/>: 10,000 devices in seconds instead of minutes of claim codes).
    /// </summary>
    public static Task<IngestTarget> FleetEmbeddedSeededAsync(TempFolder folder, LoadOptions load, Func<int, string> centreOf)
    {
        var dataDir = folder["fleet-embedded-seeded"];
        RegistrySeed.Write(dataDir, load, centreOf);
        return FleetEmbeddedAsync(dataDir, devicesAuthenticate: false);
    }

    private static async Task<IngestTarget> FleetEmbeddedAsync(string dataDir, bool devicesAuthenticate, string? arg = null, string name = "fleet (embedded broker, LiteDB)")
    {
        var target = new IngestTarget(name);
        var fleet = new FleetRunner(dataDir, arg is null ? [] : [arg]);
        target.Own(fleet);
        target._provisioningFleet = devicesAuthenticate ? fleet : null;
        await fleet.StartAsync();
        target.Port = fleet.MqttPort;
        target._serverPids.Add(() => [fleet.Process.Id]);
        target.Output = () => fleet.Output;
        target.Remarks = () => Exited([fleet]);
        return target;
    }

    /// <summary>Says which fleet processes stopped during the measurement (a figure from a dead node means nothing).</summary>
    private static string Exited(IReadOnlyList<FleetRunner> fleets)
    {
        var gone = fleets.Select((f, i) => (Node: i + 1, f.IsRunning)).Where(f => !f.IsRunning).Select(f => f.Node).ToList();
        return gone.Count == 0 ? "" : $"; FLEET PROCESS EXITED during the run: node {string.Join(", ", gone)}";
    }

    /// <summary>Mosquitto without persistence, and a subscriber that acknowledges every batch without storing it.</summary>
    public static async Task<IngestTarget> MosquittoEchoAsync()
    {
        var target = new IngestTarget("Mosquitto + echo acker (no storage)");
        var mosquitto = await ThrowawayMosquitto.StartAsync();
        target.Own(mosquitto);
        target.Port = mosquitto.Port;
        target._serverPids.Add(() => [mosquitto.ProcessId]);
        target.Output = () => mosquitto.Output;
        var acker = await EchoAcker.ConnectAsync("127.0.0.1", mosquitto.Port);
        target._owned.Insert(0, acker);
        target.Remarks = () => $"; echo acker: {acker.Batches:N0} batches, {acker.Reconnects} reconnects";
        return target;
    }

    /// <summary>Mosquitto alone, nothing subscribed (for idle connections).</summary>
    public static async Task<IngestTarget> MosquittoAsync()
    {
        var target = new IngestTarget("Mosquitto");
        var mosquitto = await ThrowawayMosquitto.StartAsync();
        target.Own(mosquitto);
        target.Port = mosquitto.Port;
        target._serverPids.Add(() => [mosquitto.ProcessId]);
        target.Output = () => mosquitto.Output;
        return target;
    }

    /// <summary>
    /// The national set-up on one machine: Mosquitto, <paramref name="nodes"/> fleet nodes in external mode sharing the
    /// load through the shared subscription, PostgreSQL with fsync on. Mosquitto takes any client here (the load
    /// generator's devices have no provisioned secrets); the nodes' work per batch is the same either way.
    /// </summary>
    public static async Task<IngestTarget> FleetOnMosquittoAndPostgresAsync(TempFolder folder, int nodes = 1)
    {
        var target = new IngestTarget(nodes == 1 ? "fleet node on Mosquitto + PostgreSQL" : $"{nodes} fleet nodes on Mosquitto + PostgreSQL");
        try
        {
            var postgres = await ThrowawayPostgres.StartAsync(durable: true);
            target._owned.Add(postgres);
            var connectionString = await postgres.CreateDatabaseAsync();
            var mosquitto = await ThrowawayMosquitto.StartAsync();
            target.Own(mosquitto);
            var fleets = new List<FleetRunner>();
            for (var i = 1; i <= nodes; i++)
            {
                var fleet = new FleetRunner(folder[$"fleet-external-{nodes}-{i}"],
                    "--Broker:Mode=external",
                    "--Broker:External:Host=127.0.0.1",
                    $"--Broker:External:Port={mosquitto.Port}",
                    $"--Broker:External:ClientId=bench-node-{i}",
                    "--Store:Kind=postgres",
                    $"--Store:Postgres:ConnectionString={connectionString}");
                target._owned.Insert(0, new Disposing(fleet.Dispose));
                fleets.Add(fleet);
                await fleet.StartAsync();
                await Eventually.TrueAsync(
                    () => Task.FromResult(fleet.Output.Contains("Connected to broker", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(30),
                    $"fleet node {i} to connect to Mosquitto");
            }

            target.Port = mosquitto.Port;
            target._serverPids.Add(() => [mosquitto.ProcessId]);
            target._serverPids.Add(() => fleets.Select(f => f.Process.Id));
            target._serverPids.Add(() => PostgresPids(postgres.Port));
            target.Output = () => string.Join('\n', fleets.Select(f => f.Output));
            target.Remarks = () => Exited(fleets);
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _owned.Clear();
    }

    private void Own(IDisposable disposable) => _owned.Add(new Disposing(disposable.Dispose));

    /// <summary>The postmaster (its command line names the server's port) and its children, the backends.</summary>
    internal static IEnumerable<int> PostgresPids(int port)
    {
        var all = Directory.GetDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Cmd: Read($"/proc/{pid}/cmdline").Replace('\0', ' '), Stat: Read($"/proc/{pid}/stat")))
            .ToList();
        var master = all.FirstOrDefault(p => p.Cmd.Contains("bin/postgres", StringComparison.Ordinal) && p.Cmd.Contains($"-p {port}", StringComparison.Ordinal)).Pid;
        return master == 0 ? [] : all.Where(p => p.Pid == master || ParentPid(p.Stat) == master).Select(p => p.Pid).ToList();
    }

    private static int ParentPid(string stat) =>
        stat.Length > 0 && int.TryParse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], out var ppid) ? ppid : 0;

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private sealed class Disposing(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
