using System.Reflection;

namespace Edge.Device;

/// <summary>This host's version, as reported in status and health messages.</summary>
public static class HostVersion
{
    public static string Current { get; } =
        typeof(HostVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
