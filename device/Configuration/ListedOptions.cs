using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Device.Configuration;

public static class ListedOptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and checks it at start as both hosts check their
    /// options (<see cref="CheckedOptionsRegistration.AddCheckedOptions{T}"/>), and lists the section in the
    /// effective-settings view (<c>GET /config</c>, which needs <typeparamref name="T"/> in the host's
    /// <see cref="SettingsSectionJson"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2091", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of their options types stays.")]
    public static OptionsBuilder<T> AddListedOptions<T>(this IServiceCollection services, string section)
        where T : class, ICheckedOptions
    {
        var options = services.AddCheckedOptions<T>(section);
        services.AddSingleton<ISettingsSection>(sp => new SettingsSection<T>(section, sp.GetRequiredService<IOptionsMonitor<T>>(), sp.GetRequiredService<SettingsSectionJson>()));
        return options;
    }
}
