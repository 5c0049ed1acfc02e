using System.Reflection;
using Edge.Fleet.Broker;
using NetArchTest.Rules;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>
/// The fleet's transport knows no feature (issue "walls you can see", item 2): the broker authenticates, routes and
/// sends; ingest reads a batch once, stores it and tells its subscribers. Features plug in through
/// <see cref="IDeviceRequestHandler"/>, <see cref="IDeviceReportConsumer"/>, <see cref="Ingest.IBatchGate"/> and
/// <see cref="Ingest.IStoredBatchSubscriber"/>, so a feature can be added or removed without touching the spine.
/// </summary>
public sealed class DumbTransportTests
{
    /// <summary>The fleet's feature namespaces (a name that does not exist yet is harmless).</summary>
    private static readonly string[] Features =
    [
        "Edge.Fleet.Queue", "Edge.Fleet.Stats", "Edge.Fleet.Health", "Edge.Fleet.Alerts", "Edge.Fleet.Commands",
        "Edge.Fleet.DeviceConfig", "Edge.Fleet.Releases", "Edge.Fleet.Reports", "Edge.Fleet.Notifications",
        "Edge.Fleet.CentreLan", "Edge.Fleet.Hall", "Edge.Fleet.Demo", "Edge.Fleet.Clock", "Edge.Fleet.Metrics",
        "Edge.Fleet.Centres", "Edge.Fleet.PublicBoard", "Edge.Fleet.Federation",
    ];

    private static readonly Assembly FleetAssembly = FleetAssemblies.Host;

    /// <summary>The host and the spine's projects (the broker and ingest are assemblies of their own, fleet/Broker, fleet/Ingest).</summary>
    private static readonly Assembly[] SpineAndHost = [FleetAssembly, .. FleetAssemblies.Spine];

    [Theory]
    [InlineData("Edge.Fleet.Broker")]
    [InlineData("Edge.Fleet.Ingest")]
    public void The_spine_references_no_feature(string spine)
    {
        Assert.NotEmpty(Types.InAssemblies(SpineAndHost).That().ResideInNamespace(spine).GetTypes());
        var result = Types.InAssemblies(SpineAndHost).That().ResideInNamespace(spine)
            .ShouldNot().HaveDependencyOnAny(Features)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{spine} uses feature types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_rule_sees_a_dependency_where_there_is_one()
    {
        // The rule is not vacuous: the queue desk, a feature, depends on the broker's seam and on its own namespace.
        var result = Types.InAssembly(FleetAssembly).That().HaveName(nameof(Fleet.Queue.QueueDesk))
            .ShouldNot().HaveDependencyOnAny("Edge.Fleet.Broker", "Edge.Fleet.Ingest")
            .GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Contains(typeof(Fleet.Queue.QueueDesk).FullName, result.FailingTypeNames);
    }
}
