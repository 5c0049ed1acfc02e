using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Lan;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Lan;

/// <summary>The fleet's <see cref="LanInfo"/> on a device: key, peers and fairness rule taken, kept across a restart, and what is refused.</summary>
public sealed class LanInfoReceiverTests : IDisposable
{
    private readonly TempFolder _folder = new("lan-info");
    private readonly string _first = NewKey();
    private readonly string _second = NewKey();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_fleets_key_peers_and_rule_are_taken_and_kept_for_the_next_start()
    {
        var (receiver, keys, peers, rules, _) = Device();
        await receiver.HandleAsync(Payload(new LanInfo(1, _first, null,
            [new("counter-1", "counter", "127.0.0.21:8190"), new("kiosk-1", "kiosk", "127.0.0.11:8190"), new("hall-1", "hall", "no address")])
        { PriorityRun = 2, OrdinaryWaitSeconds = 600 }), retained: true, CancellationToken.None);

        Assert.Equal(("fleet", 1L, true), (keys.Source, keys.FleetVersion, keys.Ready));
        Assert.Equal(["kiosk-1"], peers.OfRole("kiosk").Select(p => p.Id));
        Assert.Empty(peers.OfRole("counter")); // itself
        Assert.Empty(peers.OfRole("hall")); // an address that is not host:port is left out
        Assert.Equal((2, TimeSpan.FromMinutes(10)), (rules.Current.PriorityRun, rules.Current.OrdinaryWaitLimit));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CentreKeys.PathIn(_folder.Path)));
        }

        var (_, restartedKeys, restartedPeers, restartedRules, _) = Device();
        Assert.Equal(Convert.FromBase64String(_first), restartedKeys.Signing);
        Assert.Equal(["kiosk-1"], restartedPeers.OfRole("kiosk").Select(p => p.Id));
        Assert.Equal(2, restartedRules.Current.PriorityRun);
    }

    [Fact]
    public async Task After_a_rotation_the_new_key_signs_and_the_previous_is_still_accepted_and_an_older_version_changes_nothing()
    {
        var (receiver, keys, _, _, _) = Device();
        await receiver.HandleAsync(Payload(new LanInfo(1, _first, null, [])), retained: true, CancellationToken.None);
        await receiver.HandleAsync(Payload(new LanInfo(2, _second, _first, [])), retained: true, CancellationToken.None);
        await receiver.HandleAsync(Payload(new LanInfo(1, _first, null, [])), retained: true, CancellationToken.None);

        Assert.Equal(Convert.FromBase64String(_second), keys.Signing);
        Assert.Equal([_second, _first], keys.Accepted.Select(Convert.ToBase64String));
        Assert.Equal(2, keys.FleetVersion);
    }

    [Fact]
    public async Task A_configured_key_wins_and_unreadable_information_is_counted_and_changes_nothing()
    {
        var configured = NewKey();
        var (receiver, keys, _, _, counts) = Device(configured);
        await receiver.HandleAsync(new ReadOnlySequence<byte>("not json"u8.ToArray()), retained: true, CancellationToken.None);
        await receiver.HandleAsync(Payload(new LanInfo(1, "short", null, [])), retained: true, CancellationToken.None);
        await receiver.HandleAsync(Payload(new LanInfo(2, _first, null, [])), retained: true, CancellationToken.None);

        Assert.Equal(1, counts.BadLanInfos);
        Assert.Equal("configuration", keys.Source);
        Assert.Equal(Convert.FromBase64String(configured), keys.Signing);
        Assert.Equal([configured], keys.Accepted.Select(Convert.ToBase64String));
    }

    [Fact]
    public void Without_a_key_the_device_makes_no_lan_calls()
    {
        var (_, keys, _, _, _) = Device();

        Assert.Equal(("none", false), (keys.Source, keys.Ready));
    }

    private (LanInfoReceiver Receiver, CentreKeys Keys, LanPeers Peers, CentreQueueRules Rules, LanCounts Counts) Device(string configuredKey = "")
    {
        var device = Options.Create(new DeviceOptions { Id = "counter-1", DataDir = _folder.Path });
        var lan = Options.Create(new LanOptions { Listen = "127.0.0.21:8190", CentreKey = configuredKey });
        var keys = new CentreKeys(lan, device, NullLogger<CentreKeys>.Instance);
        var peers = new LanPeers(lan, device);
        var rules = new CentreQueueRules(device);
        var counts = new LanCounts();
        return (new LanInfoReceiver(keys, peers, rules, counts, device, NullLogger<LanInfoReceiver>.Instance), keys, peers, rules, counts);
    }

    private static ReadOnlySequence<byte> Payload(LanInfo info) => new(JsonSerializer.SerializeToUtf8Bytes(info, WireJson.Default.LanInfo));

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
