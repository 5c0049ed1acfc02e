using System.Reflection;

namespace Edge.Device.Updates;

/// <summary>
/// Deliberately broken builds, for the update tests only: <c>dotnet publish device/Host -p:EdgeFaultyBuild=silent</c>
/// bakes a wrong broker address into the build (it runs, but its uplink never connects, so it never confirms its
/// health); <c>-p:EdgeFaultyBuild=crash</c> makes it crash at start. A normal build has no such metadata and is
/// untouched.
/// </summary>
public static class FaultyBuild
{
    public static string? Kind { get; } = typeof(FaultyBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "EdgeFaultyBuild")?.Value;

    public static void Apply(HostApplicationBuilder builder)
    {
        switch (Kind)
        {
            case null or "":
                return;
            case "crash":
                throw new InvalidOperationException("faulty build (EdgeFaultyBuild=crash): crashing at start");
            default:
                Console.Error.WriteLine($"warning: faulty build (EdgeFaultyBuild={Kind}): the uplink points at a closed port");
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Uplink:Host"] = "127.0.0.1",
                    ["Uplink:Port"] = "9",
                });
                return;
        }
    }
}
