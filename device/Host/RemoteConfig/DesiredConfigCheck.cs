using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Edge.Device.RemoteConfig;

/// <summary>
/// Judges a desired configuration whole, against the device's own configuration below it: the keys and shapes first
/// (<see cref="Wire.RemoteSettings.ShapeProblems"/>), then every affected options section bound from "local configuration + this
/// document" and validated by its own validator. Any problem rejects the whole document.
/// </summary>
public sealed class DesiredConfigCheck(IReadOnlyList<IConfigurationProvider> localLayers, IReadOnlyList<ISectionCheck> sections)
{
    /// <summary>Every problem, each naming its key; empty when the document may be applied.</summary>
    public IReadOnlyList<string> Problems(IReadOnlyDictionary<string, JsonElement> settings)
    {
        var problems = Wire.RemoteSettings.ShapeProblems(settings);
        if (problems.Count > 0)
        {
            return problems;
        }

        var candidate = new RemoteConfigLayer();
        candidate.Replace(new Wire.DesiredConfig(0, settings));
        var root = new ConfigurationRoot([.. localLayers.Select(p => new FrozenLayer(p)), candidate]);
        var touched = settings.Keys.Select(k => k.Split(':')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections.Where(s => s.Sections.Any(touched.Contains)))
        {
            problems.AddRange(section.Problems(root));
        }

        return problems;
    }

    /// <summary>A local layer read as it is: building the candidate root must not load files or arguments again.</summary>
    private sealed class FrozenLayer(IConfigurationProvider inner) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value) => inner.TryGet(key, out value);

        public void Set(string key, string? value)
        {
        }

        public IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Load()
        {
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => inner.GetChildKeys(earlierKeys, parentPath);
    }
}
