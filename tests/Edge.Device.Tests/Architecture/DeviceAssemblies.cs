using System.Reflection;

namespace Edge.Device.Tests.Architecture;

/// <summary>The device's assemblies as the architecture tests see them: the spine's projects and the host with its features.</summary>
internal static class DeviceAssemblies
{
    public static Assembly Wire => typeof(Edge.Wire.Topics).Assembly;

    public static Assembly Configuration => typeof(Edge.Device.Configuration.DeviceOptions).Assembly;

    public static Assembly Clock => typeof(Edge.Device.Clock.HostClock).Assembly;

    public static Assembly Outbox => typeof(Edge.Device.Outbox.OutboxStore).Assembly;

    public static Assembly Counter => typeof(Edge.Device.Counter.RatingRecorder).Assembly;

    public static Assembly Uplink => typeof(Edge.Device.Uplink.MqttUplink).Assembly;

    /// <summary>The device protocol client (shared/Edge.DeviceProtocol) the uplink and the load generator share.</summary>
    public static Assembly DeviceProtocol => typeof(Edge.DeviceProtocol.SendWindow).Assembly;

    /// <summary>The host: its folders (Queue, Lan, Hall, Commands, ...) are the features.</summary>
    public static Assembly Host => typeof(HostRegistration).Assembly;

    public static Assembly[] Spine => [Configuration, Clock, Outbox, Counter, Uplink];

    /// <summary>The host's feature namespaces (<c>Edge.Device.Queue</c>, ...), read from the compiled host.</summary>
    public static string[] FeatureNamespaces =>
        Host.GetTypes()
            .Select(type => type.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith("Edge.Device.", StringComparison.Ordinal))
            .Select(ns => string.Join('.', ns.Split('.').Take(3)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every built assembly of the device host (the spine's and the host's), for the folder-cycle counter.</summary>
    public static string[] Files =>
        [.. new[] { Configuration, Clock, Outbox, Counter, Uplink, Host, typeof(Edge.Device.Drivers.Buttons.GpioButton).Assembly,
            typeof(Edge.Device.Updates.InstallLayout).Assembly }
            .Select(assembly => assembly.Location)];
}
