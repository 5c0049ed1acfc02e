using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>
/// The fleet's configuration as the top layer of the host's configuration (above appsettings, environment and
/// arguments, for the keys it sets). Its data changes only through <see cref="Replace"/>, after the new document was
/// validated whole and written to disk; the reload that follows updates every <c>IOptionsMonitor</c>.
/// A list key (e.g. <c>Rating:Pins</c>) replaces the lower layers' list whole instead of merging by index, so three
/// pins from the fleet over four local ones give three, not four. The same holds inside a list of objects: a field the
/// fleet's element leaves out takes the option's default, never the local element's value at that index.
/// </summary>
public sealed class RemoteConfigLayer : ConfigurationProvider, IConfigurationSource
{
    private readonly Lock _gate = new();
    private HashSet<string> _lists = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The document in effect (null: none yet).</summary>
    public DesiredConfig? Current { get; private set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>Nothing to load: the data is set at start-up from the persisted file, then by <see cref="Replace"/>.</summary>
    public override void Load()
    {
    }

    /// <summary>Makes <paramref name="config"/> the layer's content and signals a configuration reload.</summary>
    public void Replace(DesiredConfig? config)
    {
        lock (_gate)
        {
            var flat = config is null ? new FlatSettings(new Dictionary<string, string?>(), []) : SettingsFlattener.Flatten(config.Settings);
            Data = new Dictionary<string, string?>(flat.Values, StringComparer.OrdinalIgnoreCase);
            FillItemDefaults(config);
            _lists = new HashSet<string>(flat.Lists, StringComparer.OrdinalIgnoreCase);
            Current = config;
        }

        OnReload();
    }

    /// <summary>Every field of every element of a list of objects, the class's default where the fleet left it out (<see cref="ListItemDefaults"/>).</summary>
    private void FillItemDefaults(DesiredConfig? config)
    {
        foreach (var (key, value) in config?.Settings ?? new Dictionary<string, System.Text.Json.JsonElement>())
        {
            if (RemoteSettings.Find(key) is not { ItemFields: { } fields } setting || value.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                continue;
            }

            for (var i = 0; i < value.GetArrayLength(); i++)
            {
                foreach (var field in fields)
                {
                    Data.TryAdd($"{setting.Key}:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{field}", ListItemDefaults.Of(setting.Key, field));
                }
            }
        }
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        if (parentPath is not null && OwnedList(parentPath, orWithin: true))
        {
            // This layer owns the whole list: the lower layers' elements (and their fields) are not children any more.
            return base.GetChildKeys([], parentPath);
        }

        return base.GetChildKeys(earlierKeys, parentPath);
    }

    /// <summary>
    /// A key inside a list this layer owns is answered here even when absent ("set, to nothing"), so that the lookup
    /// does not fall through to a lower layer's element at the same index.
    /// </summary>
    public override bool TryGet(string key, out string? value)
    {
        if (base.TryGet(key, out value))
        {
            return true;
        }

        value = null;
        return OwnedList(key, orWithin: false);
    }

    private bool OwnedList(string path, bool orWithin)
    {
        var lists = _lists;
        if (orWithin && lists.Contains(path))
        {
            return true;
        }

        for (var colon = path.LastIndexOf(':'); colon > 0; colon = path.LastIndexOf(':', colon - 1))
        {
            if (lists.Contains(path[..colon]))
            {
                return true;
            }
        }

        return false;
    }
}
