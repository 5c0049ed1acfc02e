using System.Globalization;
using Edge.Device.Queue;

namespace Edge.Device.RemoteConfig;

/// <summary>
/// The option defaults of the elements of the remotely settable lists of objects (<see cref="Wire.RemoteSetting.ItemFields"/>),
/// read from a fresh instance of the options class itself (one source for the default). The remote layer gives every
/// element every field: a field the fleet leaves out must take the class's default (<c>PriorityPin</c> -1: none), not
/// the value a lower layer has at the same index, nor the 0 the binder would set for a key that is present but empty.
/// </summary>
public static class ListItemDefaults
{
    private static readonly Dictionary<string, object> Instances = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Queue:Fields"] = new QueueFieldOptions(),
        ["Queue:Transfers"] = new QueueTransferOptions(),
    };

    /// <summary>The default of <paramref name="field"/> in an element of <paramref name="listKey"/> as a configuration value (null: none).</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of its types stays.")]
    public static string? Of(string listKey, string field)
    {
        if (!Instances.TryGetValue(listKey, out var instance) || instance.GetType().GetProperty(field) is not { } property)
        {
            return null;
        }

        return property.GetValue(instance) switch
        {
            null => null,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            var value => value.ToString(),
        };
    }
}
