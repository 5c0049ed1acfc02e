namespace Edge.Fleet.Demo;

/// <summary>Finds the device host built beside the fleet in this repository (the fleet project builds it too).</summary>
public static class DeviceHostLocator
{
    public static string? Find(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        // fleet/bin/{Configuration}/net10.0/ → device/Host/bin/{Configuration}/net10.0/Edge.Device.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = output.Name;
        var configuration = output.Parent?.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")) && configuration is not null)
            {
                var dll = Path.Combine(dir.FullName, "device", "Host", "bin", configuration, framework, "Edge.Device.dll");
                return File.Exists(dll) ? dll : null;
            }
        }

        return null;
    }
}
