using System.Text.Json;
using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// The soak's devices, every one enrolled and provisioned by claim code: a few real device host processes
/// (<see cref="PressedCounter"/>: outbox on disk, uplink, the host's own restart path) and the rest load-generator
/// devices in this process (<see cref="SimulatedDevices"/>: the real wire protocol, one MQTT connection and its own
/// secret each). The load-generator devices keep their record of what they numbered and what the fleet acknowledged
/// in this process, which no fault touches, and it is written to <see cref="LedgerPath"/> at every sample, so the
/// audit compares the fleet's store with a record that cannot have been lost with it.
/// </summary>
public sealed class SoakDevices : IAsyncDisposable
{
    public const string Centre = "soak-centre";
    private readonly List<PressedCounter> _counters;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    private SoakDevices(List<PressedCounter> counters, SimulatedDevices simulated, string ledgerPath)
    {
        _counters = counters;
        Simulated = simulated;
        LedgerPath = ledgerPath;
    }

    public IReadOnlyList<PressedCounter> Counters => _counters;

    public SimulatedDevices Simulated { get; }

    public string LedgerPath { get; }

    /// <summary>Every event numbered: load-generator events, and presses tried on the real devices.</summary>
    public long Sent => Simulated.Numbered + _counters.Sum(c => c.Answered + c.Unanswered);

    /// <summary>Events the sender knows to be safe: acked by the fleet (load generator), or answered as stored (device host).</summary>
    public long Acknowledged => Simulated.Acked + _counters.Sum(c => c.Answered);

    public static async Task<SoakDevices> StartAsync(SoakServer server, TempFolder folder, SoakOptions options)
    {
        var fleet = server.Fleet;
        var counters = new List<PressedCounter>();
        var load = new LoadOptions
        {
            Port = server.DevicePort,
            Devices = Math.Max(1, options.Devices - options.RealDevices),
            IdPrefix = "soak-lg-",
            BatchMaxEvents = 50,
            MaxUnackedEvents = 200,
            ReconnectMax = TimeSpan.FromSeconds(10),
            ConnectConcurrency = 50,
        };
        var simulated = new SimulatedDevices(load);
        var devices = new SoakDevices(counters, simulated, folder["ledger.json"]);
        try
        {
            for (var i = 1; i <= options.RealDevices; i++)
            {
                var id = $"soak-host-{i}";
                var code = await fleet.EnrolAsync(Centre, $"{i}", "counter", id);
                var runner = new DeviceRunner(id, folder[id], server.DevicePort,
                    $"--Device:Counter={i}",
                    $"--Provisioning:ClaimCode={code}",
                    $"--Provisioning:FleetUrl=http://127.0.0.1:{fleet.HttpPort}",
                    "--Provisioning:AllowPlaintext=true") { Centre = Centre };
                counters.Add(new PressedCounter(runner));
                await runner.StartAsync();
            }

            // Each load-generator device gets its own secret from the fleet, as a Pi does at first boot.
            await LoadDeviceProvisioning.ProvisionAsync(fleet, Centre, simulated.Devices.Select(d => d.Id), load);

            var connect = await simulated.ConnectAllAsync(TimeSpan.FromMinutes(2));
            if (!connect.All)
            {
                throw new InvalidOperationException($"only {connect.Connected} of {connect.Devices} load-generator devices connected\n{fleet.Output}");
            }

            return devices;
        }
        catch
        {
            await devices.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the events: presses on every real device and paced events over the load-generator devices.</summary>
    public void Generate(SoakOptions options)
    {
        var token = _stop.Token;
        foreach (var counter in _counters)
        {
            _running.Add(Task.Run(() => counter.PressAsync(options.EventsPerDeviceSecond, token)));
        }

        var rate = options.EventsPerDeviceSecond * Simulated.Devices.Count;
        _running.Add(Task.Run(() => Simulated.PaceAsync(rate, TimeSpan.MaxValue, token)));
    }

    /// <summary>No more events; returns when the generators have stopped.</summary>
    public async Task StopGeneratingAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    /// <summary>Writes every load-generator device's numbered and acked seq to <see cref="LedgerPath"/> (atomically).</summary>
    public void WriteLedger()
    {
        var ledger = Simulated.Devices.ToDictionary(d => d.Id, d => new[] { d.Numbered, d.Acked });
        var temporary = LedgerPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(ledger, SoakJson.Default.DictionaryStringInt64Array));
        File.Move(temporary, LedgerPath, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopGeneratingAsync();
        }

        _counters.ForEach(c => c.Dispose());
        await Simulated.DisposeAsync();
        _stop.Dispose();
    }
}
