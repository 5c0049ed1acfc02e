using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Health;
using Edge.Device.Printing;

namespace Edge.Device.RemoteConfig;

/// <summary>Binds one options section from a candidate configuration and runs its own validator.</summary>
public interface ISectionCheck
{
    string Section { get; }

    IEnumerable<string> Problems(IConfiguration candidate);
}

/// <summary>
/// The check of one <see cref="ICheckedOptions"/> section: the same binding and the same <c>Validate()</c> the host runs at
/// start-up, so a configuration the fleet sends is judged by exactly the rules a local one is. A value that does not
/// convert (e.g. "abc" for a number) is a problem naming its key, not an exception.
/// </summary>
public sealed class SectionCheck<T>(string section, Action<T>? postConfigure = null) : ISectionCheck
    where T : class, ICheckedOptions, new()
{
    public string Section => section;

    public IEnumerable<string> Problems(IConfiguration candidate)
    {
        var options = new T();
        try
        {
            candidate.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message];
        }

        postConfigure?.Invoke(options);
        return options.Validate().ToList();
    }
}

/// <summary>The sections a remote configuration can touch (every section of <see cref="Wire.RemoteSettings"/>).</summary>
public static class RemoteSectionChecks
{
    public static IReadOnlyList<ISectionCheck> All { get; } =
    [
        new SectionCheck<DisplayOptions>(DisplayOptions.Section),
        new SectionCheck<HealthOptions>(HealthOptions.Section),
        new SectionCheck<PrinterOptions>(PrinterOptions.Section),
        new SectionCheck<RatingOptions>(RatingOptions.Section, RatingOptions.UseDefaultPinsWhenEmpty),
        new SectionCheck<OutboxOptions>(OutboxOptions.Section),
        new SectionCheck<OpeningHoursOptions>(OpeningHoursOptions.Section),
    ];
}
