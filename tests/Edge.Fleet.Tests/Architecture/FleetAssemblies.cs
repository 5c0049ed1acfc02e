using System.Reflection;

namespace Edge.Fleet.Tests.Architecture;

/// <summary>The fleet's assemblies as the architecture tests see them: the spine's projects and the host with its features.</summary>
internal static class FleetAssemblies
{
    public static Assembly Wire => typeof(Edge.Wire.Topics).Assembly;

    public static Assembly Store => typeof(Edge.Fleet.Store.IEventStore).Assembly;

    public static Assembly Ingest => typeof(Edge.Fleet.Ingest.EventIngest).Assembly;

    /// <summary>The host: its folders (Broker for now, Registry, Queue, Health, ...) are the features and the composition root.</summary>
    public static Assembly Host => typeof(Edge.Fleet.Hosting.FleetApp).Assembly;

    /// <summary>The spine's projects, lowest first.</summary>
    public static Assembly[] Spine => [Store, Ingest];

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

    /// <summary>Every built assembly of the fleet host (the spine's and the host's), for the folder-cycle counter.</summary>
    public static string[] Files => [.. new[] { Store, Ingest, Host }.Select(assembly => assembly.Location)];
}
