using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Alerts;

/// <summary>The rules in force for one centre, with its opening hours parsed and its clock.</summary>
public sealed record CentreRules(AlertRules Rules, OpeningHours Hours, TimeZoneInfo Zone)
{
    public bool IsOpen(DateTimeOffset now) => Hours.IsOpen(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    /// <summary>Start of the last <paramref name="openTime"/> of opening time before <paramref name="now"/>.</summary>
    public DateTimeOffset? StartOfOpenTime(DateTimeOffset now, TimeSpan openTime)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        return Hours.StartOfOpenTime(local.DateTime, openTime) is { } start ? new DateTimeOffset(start, local.Offset) : null;
    }
}

/// <summary>
/// Resolves each centre's rules: built-in defaults, then <c>Alerts:Defaults</c>, then <c>Alerts:Centres:{centre}</c>,
/// then what a manager set through <c>PUT /api/v1/alerts/rules/{centre}</c> (kept in the alert store, loaded and
/// reloaded on every node by <see cref="CentreRuleSync"/>).
/// Devices without a centre get the defaults.
/// </summary>
public sealed class CentreRuleResolver
{
    private readonly AlertOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly AlertRules _defaults;
    private readonly ConcurrentDictionary<string, AlertRuleSettings> _changed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CentreRules> _resolved = new(StringComparer.Ordinal);

    public CentreRuleResolver(IOptions<AlertOptions> options)
    {
        _options = options.Value;
        CentreClock.TryFindZone(_options.TimeZone, out _zone);
        _defaults = AlertRules.BuiltIn.With(_options.Defaults);
        Default = Resolve(_defaults);
    }

    public CentreRules Default { get; }

    public CentreRules For(string? centre) =>
        centre is null ? Default : _resolved.GetOrAdd(centre, c => Resolve(Effective(c)));

    /// <summary>Every centre configured or changed, with its rules in force.</summary>
    public Dictionary<string, AlertRules> Centres() =>
        _options.Centres.Keys.Union(_changed.Keys).Order(StringComparer.Ordinal).ToDictionary(c => c, Effective, StringComparer.Ordinal);

    public AlertRules Defaults => _defaults;

    /// <summary>The rules a change would give, or the problems with them.</summary>
    public AlertRules Preview(string centre, AlertRuleSettings change) =>
        _defaults.With(_options.Centres.GetValueOrDefault(centre)).With(change);

    /// <summary>True once the changes stored in the alert store have been loaded (<see cref="Replace"/>).</summary>
    public bool HasStoredChanges { get; private set; }

    /// <summary>One centre's change, on this node at once (other nodes reload through the change feed).</summary>
    public void Apply(string centre, AlertRuleSettings change)
    {
        _changed[centre] = change;
        _resolved.TryRemove(centre, out _);
    }

    /// <summary>Every stored change, as the alert store holds them now (replacing what this node had).</summary>
    public void Replace(IReadOnlyDictionary<string, AlertRuleSettings> stored)
    {
        foreach (var centre in _changed.Keys.Where(c => !stored.ContainsKey(c)))
        {
            _changed.TryRemove(centre, out _);
        }

        foreach (var (centre, change) in stored)
        {
            _changed[centre] = change;
        }

        _resolved.Clear();
        HasStoredChanges = true;
    }

    private AlertRules Effective(string centre) =>
        _defaults.With(_options.Centres.GetValueOrDefault(centre)).With(_changed.GetValueOrDefault(centre));

    private CentreRules Resolve(AlertRules rules)
    {
        OpeningHours.TryParse(rules.OpeningHours, out var hours, out _);
        return new CentreRules(rules, hours, _zone);
    }
}
