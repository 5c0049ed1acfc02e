using System.Reflection;
using Edge.Fleet.Web;
using NetArchTest.Rules;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>
/// fleet/Web is the API's common behaviour (errors, refused parameters, problem documents, the dashboard's files):
/// it knows no feature. Each feature owns its JSON context and adds it to the minimal APIs itself (issue 15, item 5).
/// </summary>
public sealed class WebWallTests
{
    private static readonly Assembly FleetAssembly = typeof(WebJson).Assembly;

    /// <summary>Every other folder of the fleet project, as a namespace.</summary>
    private static string[] OtherFleetNamespaces() =>
        FleetAssembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("Edge.Fleet.", StringComparison.Ordinal) && !n.StartsWith("Edge.Fleet.Web", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Take(3)))
            .Distinct().Order().ToArray();

    [Fact]
    public void Web_references_no_other_fleet_folder()
    {
        var others = OtherFleetNamespaces();
        Assert.Contains("Edge.Fleet.Alerts", others);

        var result = Types.InAssembly(FleetAssembly).That().ResideInNamespace("Edge.Fleet.Web")
            .ShouldNot().HaveDependencyOnAny(others)
            .GetResult();

        Assert.True(result.IsSuccessful, $"fleet/Web uses other folders' types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_rule_sees_a_dependency_where_there_is_one()
    {
        // Not vacuous: the statistics endpoints do depend on Web (their 400 body is its ErrorView).
        var result = Types.InAssembly(FleetAssembly).That().HaveName(nameof(Fleet.Stats.StatsRegistration))
            .ShouldNot().HaveDependencyOn("Edge.Fleet.Web")
            .GetResult();

        Assert.False(result.IsSuccessful);
    }
}
