using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>The hosts whose folder cycles the "folder-cycles" verb counts: each name, root namespace and built assemblies.</summary>
internal static class FolderCycleTargets
{
    public static IEnumerable<(string Name, string Root, string[] Dlls)> All()
    {
        // The device host's folders live in Edge.Device.dll and, once split, in the spine's projects beside it.
        var deviceDir = Path.GetDirectoryName(RepoPaths.DeviceDll)!;
        var device = Directory.GetFiles(deviceDir, "Edge.Device*.dll")
            .Where(dll => !Path.GetFileName(dll).StartsWith("Edge.Device.Launcher", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        yield return ("device", "Edge.Device", device);
        // The fleet's likewise: Edge.Fleet.dll (features and host) and the spine's projects (Edge.Fleet.Store, ...) beside it.
        var fleetDir = Path.GetDirectoryName(RepoPaths.FleetDll)!;
        var fleet = Directory.GetFiles(fleetDir, "Edge.Fleet*.dll").Order(StringComparer.Ordinal).ToArray();
        yield return ("fleet", "Edge.Fleet", fleet);
    }
}
