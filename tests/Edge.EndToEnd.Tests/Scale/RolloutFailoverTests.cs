using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.EndToEnd.Tests.Updates;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Scale;

/// <summary>
/// Issue 11's "a rollout proceeds after its planning node is killed", with real processes only: the three-node
/// cluster (<see cref="FleetCluster"/>: PostgreSQL, Mosquitto with dynamic security, haproxy), and three devices run as
/// on a Pi (the launcher starting the host, <see cref="LaunchedDevice"/>), provisioned by claim code through the
/// balancer, offered a real signed release (<see cref="HostBuilds"/>) over Mosquitto, downloading it and reporting
/// through the balancer. The node that plans the rollout (the leader) is SIGKILLed as soon as the first stage is
/// offered; another node must take the planning over, and the killed node, started again, must redo nothing.
/// </summary>
[Collection(SeveralNodesCollection.Name)]
public sealed class RolloutFailoverTests(HostBuilds builds, ITestOutputHelper output) : IClassFixture<HostBuilds>, IAsyncLifetime
{
    private const string Centre = "centre-u";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    /// <summary>A stage: download, unpack, restart into the trial, confirm health, report; on 2 busy cores.</summary>
    private static readonly TimeSpan StageTakes = TimeSpan.FromSeconds(240);

    private static readonly string[] DeviceIds = ["upd-1", "upd-2", "upd-3"];

    private readonly TempFolder _folder = new("rollout-failover");
    private readonly List<LaunchedDevice> _devices = [];
    private FleetCluster? _cluster;

    private FleetCluster Cluster => _cluster ?? throw new InvalidOperationException("no cluster");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task A_rollout_proceeds_to_completion_after_its_planning_node_is_killed()
    {
        var watch = Stopwatch.StartNew();
        _cluster = await FleetCluster.StartAsync(3,
            "--Releases:TickSeconds=1",
            $"--Releases:TrustedPublicKey={builds.TrustedPublicKey}",
            $"--Alerts:Defaults:OpeningHours={MaintenanceWindowNow.OpeningHours()}");
        for (var i = 0; i < DeviceIds.Length; i++)
        {
            var counter = $"u{i + 1}";
            var code = await Cluster.EnrolAsync(DeviceIds[i], Centre, counter);
            // A new version has longer than the launcher's usual 20 s to confirm its health: here it starts beside ten other processes.
            _devices.Add(LaunchedDevice.WithClaimCode(builds, _folder[DeviceIds[i]], DeviceIds[i], code, Cluster.Balancer.Address, Cluster.Mosquitto.Port, counter,
                "--Health:IntervalSeconds=1", "--Updates:HealthyWithin=00:01:30"));
        }

        await Task.WhenAll(_devices.Select(d => d.StartAsync()));
        output.WriteLine($"cluster and {_devices.Count} launched devices up after {watch.Elapsed.TotalSeconds:0.0} s");

        // Two stages: the canary alone, then the other two.
        await builds.UploadAsync(Cluster.Http, HostBuilds.Good);
        using var started = await Cluster.Http.PostAsJsonAsync("/api/v1/rollouts",
            new { version = HostBuilds.Good, devices = DeviceIds, canary = new[] { DeviceIds[0] } });
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, body);
        var rolloutId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        var rolloutWatch = Stopwatch.StartNew();

        // As soon as the first stage is planned (the canary holds an offer), the planner dies.
        var planned = await Eventually.ReturnsAsync(() => RolloutAsync(rolloutId), r => r.Target(DeviceIds[0]).OfferedAt is not null, Settle, "the canary to be offered");
        var planner = await Cluster.LeaderAsync() ?? throw new InvalidOperationException("no node leads");
        planner.Kill();
        output.WriteLine($"planner on port {planner.HttpPort} killed {rolloutWatch.Elapsed.TotalSeconds:0.0} s into the rollout; canary {planned.Target(DeviceIds[0]).State}");
        Assert.Equal(2, planned.Stages);
        Assert.All(DeviceIds[1..], d => Assert.Null(planned.Target(d).OfferedAt));

        try
        {
            var successor = await Eventually.ReturnsAsync(Cluster.LeaderAsync, n => n is not null && n != planner, Settle, "another node to lead");
            output.WriteLine($"node on port {successor!.HttpPort} leads {rolloutWatch.Elapsed.TotalSeconds:0.0} s into the rollout");

            // The successor plans the second stage once the canary is healthy; the killed node comes back meanwhile.
            await Eventually.ReturnsAsync(() => RolloutAsync(rolloutId), r => DeviceIds[1..].All(d => r.Target(d).OfferedAt is not null), StageTakes,
                "the second stage to be offered");
            output.WriteLine($"second stage offered {rolloutWatch.Elapsed.TotalSeconds:0.0} s into the rollout");
            await planner.StartAsync();
            output.WriteLine($"killed node back {rolloutWatch.Elapsed.TotalSeconds:0.0} s into the rollout");

            var done = await Eventually.ReturnsAsync(() => RolloutAsync(rolloutId), r => r.Status != "active", StageTakes, "the rollout to end");
            output.WriteLine($"rollout {done.Status} {rolloutWatch.Elapsed.TotalSeconds:0.0} s after it started ({watch.Elapsed.TotalSeconds:0.0} s in all)");
            Assert.Equal("completed", done.Status);

            // Every device on the new version, by its report and by its own heartbeat over MQTT.
            Assert.All(done.Devices, t => Assert.Equal(("healthy", HostBuilds.Good), (t.State, t.HostVersion)));
            await Eventually.TrueAsync(async () => (await Cluster.GetJsonAsync("/api/v1/health")).EnumerateArray()
                .Count(d => DeviceIds.Contains(d.GetProperty("id").GetString()) && d.GetProperty("hostVersion").GetString() == HostBuilds.Good) == DeviceIds.Length,
                Settle, "every device's heartbeat to carry the new version");

            // Stages in order: the second was offered only after the canary reported healthy.
            var canary = done.Target(DeviceIds[0]);
            Assert.Equal(0, canary.Stage);
            Assert.All(DeviceIds[1..], d =>
            {
                Assert.Equal(1, done.Target(d).Stage);
                Assert.True(done.Target(d).OfferedAt >= canary.UpdatedAt, $"{d} offered at {done.Target(d).OfferedAt:O}, before the canary was healthy at {canary.UpdatedAt:O}");
            });

            // Each device told once: the second stage by the successor alone; the canary once more only if the
            // successor, on taking over, found its offer not yet acted on (then it published it again, by design).
            var nodesOutput = string.Join('\n', Cluster.Nodes.Select(n => n.Output));
            foreach (var device in DeviceIds[1..])
            {
                Assert.Equal(1, done.Target(device).Offers);
                Assert.Equal(1, Offered(successor.Output, device));
            }

            var republished = Regex.Count(nodesOutput, $"offered {Regex.Escape(HostBuilds.Good)} to {DeviceIds[0]} again");
            output.WriteLine($"canary offers: {canary.Offers} ({republished} published again by the successor)");
            Assert.InRange(republished, 0, 1);
            Assert.Equal(1 + republished, canary.Offers);
            Assert.Contains($"Rollout {rolloutId} of {HostBuilds.Good} completed", successor.Output);

            // And each device acted on it once: one switch, one trial kept.
            foreach (var device in _devices)
            {
                Assert.Equal(1, Regex.Count(device.Output, $"Switched to {Regex.Escape(HostBuilds.Good)} "));
                Assert.Equal(1, Regex.Count(device.Output, $"Version {Regex.Escape(HostBuilds.Good)} confirmed its health"));
                Assert.Equal(HostBuilds.Good, Path.GetFileName(new FileInfo(Path.Combine(device.Root, "current")).LinkTarget));
            }

            // The restarted node follows and redoes nothing, then or a few rounds later.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Same(successor, await Cluster.LeaderAsync());
            Assert.Equal(0, DeviceIds.Sum(d => Offered(planner.Output, d)));
            Assert.Equal(done, await RolloutAsync(rolloutId));
        }
        catch
        {
            foreach (var node in Cluster.Nodes)
            {
                output.WriteLine(string.Join('\n', node.Output.Split('\n').Where(l => l.Contains("ollout", StringComparison.Ordinal) || l.Contains("lead", StringComparison.Ordinal)
                    || l.Contains("fail", StringComparison.Ordinal) || l.Contains("rror", StringComparison.Ordinal))));
            }

            foreach (var device in _devices)
            {
                output.WriteLine(string.Join('\n', device.Output.Split('\n').TakeLast(60)));
            }

            throw;
        }
    }

    private static int Offered(string nodeOutput, string device) => Regex.Count(nodeOutput, $"offered {Regex.Escape(HostBuilds.Good)} to {device}[ (]");

    private async Task<RolloutSnapshot> RolloutAsync(string id) => RolloutSnapshot.From(await Cluster.GetJsonAsync($"/api/v1/rollouts/{id}"));

    /// <summary>What <c>GET /api/v1/rollouts/{id}</c> says, comparable as a whole.</summary>
    private sealed record RolloutSnapshot(string Status, int Stages, IReadOnlyList<TargetSnapshot> Devices)
    {
        public TargetSnapshot Target(string deviceId) => Devices.Single(t => t.DeviceId == deviceId);

        public static RolloutSnapshot From(JsonElement rollout) => new(
            rollout.GetProperty("status").GetString()!,
            rollout.GetProperty("stages").GetInt32(),
            rollout.GetProperty("devices").EnumerateArray().Select(t => new TargetSnapshot(
                t.GetProperty("deviceId").GetString()!,
                t.GetProperty("stage").GetInt32(),
                t.GetProperty("state").GetString()!,
                t.TryGetProperty("hostVersion", out var version) ? version.GetString() : null,
                t.TryGetProperty("offeredAt", out var offeredAt) && offeredAt.ValueKind != JsonValueKind.Null ? offeredAt.GetDateTimeOffset() : null,
                t.GetProperty("updatedAt").GetDateTimeOffset(),
                t.GetProperty("offers").GetInt32())).ToList());

        public bool Equals(RolloutSnapshot? other) =>
            other is not null && Status == other.Status && Stages == other.Stages && Devices.SequenceEqual(other.Devices);

        public override int GetHashCode() => HashCode.Combine(Status, Stages, Devices.Count);

        public override string ToString() => $"{Status}, {Stages} stages: {string.Join("; ", Devices)}";
    }

    private sealed record TargetSnapshot(string DeviceId, int Stage, string State, string? HostVersion, DateTimeOffset? OfferedAt, DateTimeOffset UpdatedAt, int Offers);
}
