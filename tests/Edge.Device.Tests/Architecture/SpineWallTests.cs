using NetArchTest.Rules;

namespace Edge.Device.Tests.Architecture;

/// <summary>
/// What the spine's project references cannot say by themselves: which libraries and namespaces each link may depend
/// on. (That no spine project names the host is already a compile error: none references it.)
/// </summary>
public sealed class SpineWallTests
{
    [Fact]
    public void The_wire_contract_does_no_io_and_knows_no_transport_store_or_host()
    {
        var result = Types.InAssembly(DeviceAssemblies.Wire)
            .ShouldNot()
            .HaveDependencyOnAny(
                "System.IO", "System.Net", "LiteDB", "MQTTnet", "Npgsql", "Microsoft.Extensions", "Microsoft.AspNetCore",
                "Edge.Device", "Edge.Fleet", "Edge.Storage")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_device_protocol_knows_no_store_host_or_feature()
    {
        // Shared with the load generator: the protocol only, nothing of the device host's storage, hosting or features.
        var result = Types.InAssembly(DeviceAssemblies.DeviceProtocol)
            .ShouldNot()
            .HaveDependencyOnAny("System.IO", "LiteDB", "Npgsql", "Microsoft.Extensions", "Microsoft.AspNetCore", "Edge.Device", "Edge.Fleet", "Edge.Storage")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_outbox_knows_no_mqtt()
    {
        var result = Types.InAssembly(DeviceAssemblies.Outbox).ShouldNot().HaveDependencyOn("MQTTnet").GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_uplink_knows_no_feature_by_name()
    {
        string[] features = [.. DeviceAssemblies.FeatureNamespaces, "Edge.Device.Counter"];
        Assert.Contains("Edge.Device.Queue", features);

        var result = Types.InAssembly(DeviceAssemblies.Uplink).ShouldNot().HaveDependencyOnAny(features).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void No_spine_link_depends_on_a_feature_of_the_host()
    {
        var features = DeviceAssemblies.FeatureNamespaces;

        var result = Types.InAssemblies(DeviceAssemblies.Spine).ShouldNot().HaveDependencyOnAny(features).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Options_and_clock_know_neither_the_outbox_nor_the_uplink()
    {
        var result = Types.InAssemblies([DeviceAssemblies.Configuration, DeviceAssemblies.Clock])
            .ShouldNot()
            .HaveDependencyOnAny("Edge.Device.Outbox", "Edge.Device.Uplink", "Edge.Device.Counter", "MQTTnet", "LiteDB")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    internal static string Failing(TestResult result) =>
        "depends on what it must not: " + string.Join(", ", result.FailingTypeNames ?? []);
}
