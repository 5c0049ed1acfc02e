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
    /// (tests/Edge.Testing/Architecture/README.md), 16 before issue 15's health/stats side, 13 after it; lower it when a cycle is broken, never raise it.
    /// </summary>
    private const int MaxFoldersInCycles = 13;

    [Fact]
    public void The_store_knows_no_feature_no_ingest_and_no_mqtt()
    {
        string[] forbidden = [.. FleetAssemblies.HostNamespaces, "Edge.Fleet.Ingest", "MQTTnet"];
        Assert.Contains("Edge.Fleet.Registry", forbidden);

        var result = Types.InAssembly(FleetAssemblies.Store).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Ingest_knows_no_feature_and_no_mqtt()
    {
        string[] forbidden = [.. FleetAssemblies.HostNamespaces, "MQTTnet"];
        Assert.Contains("Edge.Fleet.Broker", forbidden);

        var result = Types.InAssembly(FleetAssemblies.Ingest).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_rules_see_a_dependency_where_there_is_one()
    {
        // Not vacuous: ingest does depend on the store, and the host's features on ingest.
        var ingestOnStore = Types.InAssembly(FleetAssemblies.Ingest).ShouldNot().HaveDependencyOn("Edge.Fleet.Store").GetResult();
        var hostOnIngest = Types.InAssembly(FleetAssemblies.Host).ShouldNot().HaveDependencyOn("Edge.Fleet.Ingest").GetResult();

        Assert.False(ingestOnStore.IsSuccessful);
        Assert.False(hostOnIngest.IsSuccessful);
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
        Assert.DoesNotContain(counter.Cycles(), cycle => cycle.Contains("Store") || cycle.Contains("Ingest"));
    }

    private static string Failing(TestResult result) =>
        "depends on what it must not: " + string.Join(", ", result.FailingTypeNames ?? []);
}
