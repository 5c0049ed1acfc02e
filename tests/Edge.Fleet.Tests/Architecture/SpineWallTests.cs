using Edge.Testing.Architecture;
using NetArchTest.Rules;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>
/// What the fleet spine's project references cannot say by themselves (issue "walls you can see"): which libraries and
/// namespaces each link may depend on. That the store and ingest name no feature of the host is already a compile
/// error (neither references it); these rules also keep out what a package reference would let in.
/// </summary>
public sealed class SpineWallTests
{
    /// <summary>
    /// Folders of the fleet (spine and host) that sit in a type-reference cycle, at most. The split began at 27 of 29
    /// (tests/Edge.Testing/Architecture/README.md), 16 before issue 15, 13 after its health/stats side, 0 with the broker's side too; lower it when a cycle is broken, never raise it.
    /// </summary>
    private const int MaxFoldersInCycles = 0;

    [Fact]
    public void The_store_knows_no_feature_no_ingest_and_no_mqtt()
    {
        string[] forbidden = [.. FleetAssemblies.HostNamespaces, "Edge.Fleet.Ingest", "Edge.Fleet.Broker", "MQTTnet"];
        Assert.Contains("Edge.Fleet.Registry", forbidden);

        var result = Types.InAssembly(FleetAssemblies.Store).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Ingest_knows_no_feature_and_no_mqtt()
    {
        string[] forbidden = [.. FleetAssemblies.HostNamespaces, "Edge.Fleet.Broker", "MQTTnet"];
        Assert.Contains("Edge.Fleet.Devices", forbidden);

        var result = Types.InAssembly(FleetAssemblies.Ingest).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_broker_knows_no_feature()
    {
        // The features it authenticates and routes with implement what it owns (IDeviceAuthenticator, IPresenceObserver,
        // IBrokerRefusalCounts, IDeviceSessions, IBrokerAccounts): the registry, presence and auth sit above it.
        string[] forbidden = FleetAssemblies.HostNamespaces;
        Assert.Contains("Edge.Fleet.Registry", forbidden);
        Assert.Contains("Edge.Fleet.Devices", forbidden);
        Assert.Contains("Edge.Fleet.Auth", forbidden);
        Assert.DoesNotContain("Edge.Fleet.Broker", forbidden);

        var result = Types.InAssembly(FleetAssemblies.Broker).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_certificate_knows_no_other_fleet_folder()
    {
        var result = Types.InAssembly(FleetAssemblies.Tls)
            .ShouldNot().HaveDependencyOnAny([.. FleetAssemblies.HostNamespaces, "Edge.Fleet.Store", "Edge.Fleet.Ingest", "Edge.Fleet.Broker"])
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_rules_see_a_dependency_where_there_is_one()
    {
        // Not vacuous: ingest does depend on the store, the broker on ingest and on the certificate, and the host's
        // features on ingest; the registry and presence implement what the broker owns.
        var ingestOnStore = Types.InAssembly(FleetAssemblies.Ingest).ShouldNot().HaveDependencyOn("Edge.Fleet.Store").GetResult();
        var brokerOnIngest = Types.InAssembly(FleetAssemblies.Broker).ShouldNot().HaveDependencyOn("Edge.Fleet.Ingest").GetResult();
        var brokerOnTls = Types.InAssembly(FleetAssemblies.Broker).ShouldNot().HaveDependencyOn("Edge.Fleet.Tls").GetResult();
        var hostOnIngest = Types.InAssembly(FleetAssemblies.Host).ShouldNot().HaveDependencyOn("Edge.Fleet.Ingest").GetResult();
        var registryOnBroker = Types.InAssembly(FleetAssemblies.Host).That().ResideInNamespace("Edge.Fleet.Registry")
            .ShouldNot().HaveDependencyOn("Edge.Fleet.Broker").GetResult();
        var presenceOnBroker = Types.InAssembly(FleetAssemblies.Host).That().HaveName(nameof(Fleet.Devices.DevicePresence))
            .ShouldNot().HaveDependencyOn("Edge.Fleet.Broker").GetResult();

        Assert.False(ingestOnStore.IsSuccessful);
        Assert.False(brokerOnIngest.IsSuccessful);
        Assert.False(brokerOnTls.IsSuccessful);
        Assert.False(hostOnIngest.IsSuccessful);
        Assert.False(registryOnBroker.IsSuccessful);
        Assert.False(presenceOnBroker.IsSuccessful);
    }

    [Fact]
    public void The_wire_contract_does_no_io_and_knows_no_fleet()
    {
        var result = Types.InAssembly(FleetAssemblies.Wire)
            .ShouldNot()
            .HaveDependencyOnAny("System.IO", "System.Net", "LiteDB", "MQTTnet", "Npgsql", "Microsoft.AspNetCore", "Edge.Fleet")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_fleet_has_no_more_folders_in_cycles_than_it_had()
    {
        var counter = new FolderCycleCounter("Edge.Fleet");
        foreach (var file in FleetAssemblies.Files)
        {
            counter.Add(file);
        }

        Assert.True(counter.Edges.Count > 25, counter.Describe());
        Assert.True(counter.FoldersInCycles <= MaxFoldersInCycles, counter.Describe());
        // The spine is in no cycle: nothing it depends on depends back on it.
        Assert.DoesNotContain(counter.Cycles(), cycle => cycle.Contains("Store") || cycle.Contains("Ingest") || cycle.Contains("Broker") || cycle.Contains("Tls"));
    }

    private static string Failing(TestResult result) =>
        "depends on what it must not: " + string.Join(", ", result.FailingTypeNames ?? []);
}
