using System.Reflection;
using Edge.Fleet.Metrics;
using NetArchTest.Rules;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>
/// fleet/Metrics knows no feature (issue "walls you can see", item 4): each feature owns its meter and the exporter
/// listens to every <c>Edge.Fleet.*</c> meter, so adding a feature's families touches nothing in fleet/Metrics.
/// </summary>
public sealed class MetricsWallTests
{
    private static readonly Assembly FleetAssembly = typeof(MetricsRegistration).Assembly;

    /// <summary>Every other namespace of the fleet's assemblies (the host's and the projects below it).</summary>
    private static readonly string[] OtherNamespaces = new[] { FleetAssembly }.Concat(FleetAssemblies.BelowHost)
        .SelectMany(assembly => assembly.GetTypes())
        .Select(t => t.Namespace)
        .OfType<string>()
        .Where(n => n.StartsWith("Edge.Fleet.", StringComparison.Ordinal) && n != "Edge.Fleet.Metrics")
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Metrics_references_no_other_fleet_folder()
    {
        var result = Types.InAssembly(FleetAssembly).That().ResideInNamespace("Edge.Fleet.Metrics")
            .ShouldNot().HaveDependencyOnAny(OtherNamespaces)
            .GetResult();

        Assert.True(result.IsSuccessful, $"fleet/Metrics uses: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_rule_sees_a_feature_that_uses_metrics()
    {
        // Not vacuous: the namespaces are found, and a feature's meter class does depend on fleet/Metrics.
        Assert.Contains("Edge.Fleet.Ingest", OtherNamespaces);
        Assert.Contains("Edge.Fleet.Broker", OtherNamespaces);
        var result = Types.InAssembly(FleetAssembly).That().HaveName(nameof(Fleet.Health.DevicesMetrics))
            .ShouldNot().HaveDependencyOnAny("Edge.Fleet.Metrics")
            .GetResult();
        Assert.False(result.IsSuccessful);
    }
}
