using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Hall;
using Edge.Device.Health;
using Edge.Device.Printing;
using Edge.Device.Queue;
using Edge.Hosting;

namespace Edge.Device.RemoteConfig;

/// <summary>Binds options sections from a candidate configuration and runs their own validators.</summary>
public interface ISectionCheck
{
    /// <summary>The sections whose keys, when a document sets any, make this check run.</summary>
    IReadOnlyList<string> Sections { get; }

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
    public IReadOnlyList<string> Sections { get; } = [section];

    public IEnumerable<string> Problems(IConfiguration candidate)
    {
        if (Bound(candidate, section, postConfigure, out var problem) is not { } options)
        {
            return [problem!];
        }

        return options.Validate().ToList();
    }

    /// <summary>The section bound as the host binds it; null and the problem when a value does not convert.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of its types stays.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Native AOT bundle: the reflection binder makes no generic type here that AddCheckedOptions' binding of the same options type did not need (device/deploy/README.md, Native AOT).")]
    internal static T? Bound(IConfiguration candidate, string section, Action<T>? postConfigure, out string? problem)
    {
        var options = new T();
        try
        {
            candidate.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
            return null;
        }

        postConfigure?.Invoke(options);
        problem = null;
        return options;
    }
}

/// <summary>
/// The queue's pins against the rating buttons' and the display's in the device's role (<see cref="QueuePins"/>): runs
/// when a document touches any of those sections. A value that does not convert is left to the section's own check.
/// </summary>
public sealed class QueuePinsCheck : ISectionCheck
{
    public IReadOnlyList<string> Sections { get; } = [DeviceRoleOptions.Section, QueueOptions.Section, RatingOptions.Section, DisplayOptions.Section];

    public IEnumerable<string> Problems(IConfiguration candidate)
    {
        var role = SectionCheck<DeviceRoleOptions>.Bound(candidate, DeviceRoleOptions.Section, null, out _);
        var queue = SectionCheck<QueueOptions>.Bound(candidate, QueueOptions.Section, null, out _);
        var rating = SectionCheck<RatingOptions>.Bound(candidate, RatingOptions.Section, RatingOptions.UseDefaultPinsWhenEmpty, out _);
        var display = SectionCheck<DisplayOptions>.Bound(candidate, DisplayOptions.Section, null, out _);
        return role is null || queue is null || rating is null || display is null ? [] : QueuePins.Conflicts(role.Role, queue, rating, display).ToList();
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
        new SectionCheck<DeviceRoleOptions>(DeviceRoleOptions.Section),
        new SectionCheck<QueueOptions>(QueueOptions.Section),
        new SectionCheck<HallOptions>(HallOptions.Section),
        new QueuePinsCheck(),
    ];
}
