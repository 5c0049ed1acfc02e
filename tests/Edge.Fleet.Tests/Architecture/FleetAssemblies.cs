using System.Reflection;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>The fleet's assemblies as the architecture tests see them: the spine's projects and the host with its features.</summary>
internal static class FleetAssemblies
{
    public static Assembly Wire => typeof(Edge.Wire.Topics).Assembly;

    public static Assembly Store => typeof(Edge.Fleet.Store.IEventStore).Assembly;

    public static Assembly Ingest => typeof(Edge.Fleet.Ingest.EventIngest).Assembly;

    public static Assembly Broker => typeof(Edge.Fleet.Broker.DeviceMessageRouter).Assembly;

    /// <summary>The fleet's one certificate, below the broker (fleet/Tls/Edge.Fleet.Tls.csproj).</summary>
    public static Assembly Tls => typeof(Edge.Fleet.Tls.FleetCertificate).Assembly;

    /// <summary>The host: its folders (Registry, Queue, Health, ...) are the features and the composition root.</summary>
    public static Assembly Host => typeof(Edge.Fleet.Hosting.FleetApp).Assembly;

    /// <summary>The spine's projects, lowest first.</summary>
    public static Assembly[] Spine => [Store, Ingest, Broker];

    /// <summary>Every fleet project below the host: the spine and what it stands on.</summary>
    public static Assembly[] BelowHost => [Tls, .. Spine];

    /// <summary>The host's namespaces (<c>Edge.Fleet.Queue</c>, ...) but the spine's, read from the compiled host.</summary>
    public static string[] HostNamespaces =>
        Host.GetTypes()
            .Select(type => type.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith("Edge.Fleet.", StringComparison.Ordinal))
            .Select(ns => string.Join('.', ns.Split('.').Take(3)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every built assembly of the fleet host (the host's and those below it), for the folder-cycle counter.</summary>
    public static string[] Files => [.. new[] { Host }.Concat(BelowHost).Select(assembly => assembly.Location)];
}
