using NetArchTest.Rules;

namespace Edge.Device.Tests.Architecture;

/// <summary>The host's features (its folders) meet only through each other's public types; one assembly cannot say that.</summary>
public sealed class FeatureWallTests
{
    [Fact]
    public void No_feature_uses_another_features_internal_types()
    {
        var features = DeviceAssemblies.FeatureNamespaces;
        Assert.True(features.Length > 5, string.Join(", ", features));
        var host = Types.InAssembly(DeviceAssemblies.Host);
        var failures = new List<string>();
        foreach (var feature in features)
        {
            var internals = DeviceAssemblies.Host.GetTypes()
                .Where(type => type.Namespace is { } ns && (ns == feature || ns.StartsWith(feature + ".", StringComparison.Ordinal)))
                .Where(type => !type.IsNested && !type.IsPublic && !type.Name.StartsWith('<'))
                .Select(type => type.FullName!)
                .ToArray();
            if (internals.Length == 0)
            {
                continue;
            }

            foreach (var other in features.Where(other => other != feature))
            {
                var result = host.That().ResideInNamespace(other).ShouldNot().HaveDependencyOnAny(internals).GetResult();
                if (!result.IsSuccessful)
                {
                    failures.Add($"{feature} internals used by {string.Join(", ", result.FailingTypeNames)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void A_dependency_named_by_its_full_type_name_is_found()
    {
        // The rule above names internal types in full; this checks that such a name finds a real use (the queue
        // calls over the LAN with the centre's key).
        var users = Types.InAssembly(DeviceAssemblies.Host)
            .That().ResideInNamespace("Edge.Device.Queue").And().HaveDependencyOn("Edge.Device.Lan.CentreKeys")
            .GetTypes();

        Assert.NotEmpty(users);
    }

    [Fact]
    public void The_host_has_no_folder_cycle()
    {
        var counter = new Edge.Testing.Architecture.FolderCycleCounter("Edge.Device");
        foreach (var file in DeviceAssemblies.Files)
        {
            counter.Add(file);
        }

        Assert.True(counter.Edges.Count > 15, counter.Describe());
        Assert.True(counter.Cycles().Count == 0, counter.Describe());
    }
}
