using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Hosting;

/// <summary>
/// An options class that says what is wrong with it: one message per problem, each naming its key
/// (<c>Uplink:Port must be 1-65535 (got 0)</c>). Every options class of both hosts is validated this way, and
/// <see cref="HostRunner.RunAsync"/> turns the messages into one <c>error:</c> line and exit code 2.
/// </summary>
public interface ICheckedOptions
{
    /// <summary>The problems of these values on their own; none when they are usable.</summary>
    IEnumerable<string> Validate();
}

public static class CheckedOptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to the configuration section <paramref name="section"/> and runs its
    /// <see cref="ICheckedOptions.Validate"/> when the host starts (and whenever the value is built again).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Edge's own assemblies are trimmer roots in the trimmed device bundle (device/Host/Edge.Device.csproj): every member of their options types stays.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2091", Justification = "Edge's own assemblies are trimmer roots in the trimmed device bundle (device/Host/Edge.Device.csproj): every member of their options types stays.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The device's Native AOT bundle binds its options by reflection: arrays and lists of Edge's types and primitives, which the AOT compiler sees instantiated (device/deploy/README.md, Native AOT).")]
    public static OptionsBuilder<T> AddCheckedOptions<T>(this IServiceCollection services, string section)
        where T : class, ICheckedOptions
    {
        // Once per type however often it is added (a section bound twice must not report each problem twice).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, CheckedOptionsValidator<T>>(
            _ => new CheckedOptionsValidator<T>(options => options.Validate())));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Adds the rules of <typeparamref name="T"/> that need more than its own values (another section, the clock, a
    /// plan made from the configuration): <paramref name="problems"/> gets <typeparamref name="TDep"/> from the
    /// services and answers in the same way as <see cref="ICheckedOptions.Validate"/>.
    /// </summary>
    public static OptionsBuilder<T> CheckWith<T, TDep>(this OptionsBuilder<T> builder, Func<T, TDep, IEnumerable<string>> problems)
        where T : class, ICheckedOptions
        where TDep : notnull
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(sp =>
        {
            var dependency = sp.GetRequiredService<TDep>();
            return new CheckedOptionsValidator<T>(options => problems(options, dependency));
        });
        return builder;
    }
}

/// <summary>The options pattern's hook for <see cref="ICheckedOptions"/>: its problems become the validation's failures.</summary>
internal sealed class CheckedOptionsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
    where T : class, ICheckedOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = problems(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
