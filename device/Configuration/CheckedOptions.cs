using Microsoft.Extensions.Options;

namespace Edge.Device.Configuration;

/// <summary>An options class that says what is wrong with it, one message per problem, each naming its key.</summary>
public interface ICheckedOptions
{
    IEnumerable<string> Validate();
}

/// <summary>Runs <see cref="ICheckedOptions.Validate"/> for the options pattern (with ValidateOnStart).</summary>
internal sealed class CheckedOptionsValidator<T> : IValidateOptions<T>
    where T : class, ICheckedOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class CheckedOptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host starts; unless
    /// <paramref name="listInSettings"/> is false, the section is also shown by the effective-settings view (which
    /// needs <typeparamref name="T"/> in the host's <see cref="SettingsSectionJson"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of its types stays.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2091", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of its types stays.")]
    public static IServiceCollection AddCheckedOptions<T>(this IServiceCollection services, string section, bool listInSettings = true)
        where T : class, ICheckedOptions
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, CheckedOptionsValidator<T>>();
        if (!listInSettings)
        {
            return services;
        }

        services.AddSingleton<ISettingsSection>(sp => new SettingsSection<T>(section, sp.GetRequiredService<IOptionsMonitor<T>>(), sp.GetRequiredService<SettingsSectionJson>()));
        return services;
    }
}
