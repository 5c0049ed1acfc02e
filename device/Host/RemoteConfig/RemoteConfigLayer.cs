using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>
/// The fleet's configuration as the top layer of the host's configuration (above appsettings, environment and
/// arguments, for the keys it sets). Its data changes only through <see cref="Replace"/>, after the new document was
/// validated whole and written to disk; the reload that follows updates every <c>IOptionsMonitor</c>.
/// A list key (e.g. <c>Rating:Pins</c>) replaces the lower layers' list whole instead of merging by index, so three
/// pins from the fleet over four local ones give three, not four.
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
            _lists = new HashSet<string>(flat.Lists, StringComparer.OrdinalIgnoreCase);
            Current = config;
        }

        OnReload();
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        if (parentPath is not null && _lists.Contains(parentPath))
        {
            // This layer owns the whole list: the lower layers' elements are not children any more.
            return base.GetChildKeys([], parentPath);
        }

        return base.GetChildKeys(earlierKeys, parentPath);
    }
}
