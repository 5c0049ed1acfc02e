using Edge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Hosting;

/// <summary>
/// The shared options style (shared/Edge.Hosting): <see cref="ICheckedOptions"/> bound with
/// <see cref="CheckedOptionsRegistration.AddCheckedOptions{T}"/>, rules needing a service added with
/// <see cref="CheckedOptionsRegistration.CheckWith{T, TDep}"/>, and every problem on the one line of exit code 2.
/// </summary>
public sealed class CheckedOptionsTests
{
    [Fact]
    public async Task Every_problem_of_a_section_is_on_one_error_line_and_the_exit_code_is_2()
    {
        var (exitCode, errors) = await RunAsync(services => services.AddCheckedOptions<SampleOptions>(SampleOptions.Section),
            ("Sample:Count", "0"), ("Sample:Name", " "));

        Assert.Equal(HostRunner.BadConfiguration, exitCode);
        Assert.Equal("error: Sample:Count must be 1-10 (got 0); Sample:Name must not be empty", Assert.Single(Lines(errors)));
    }

    [Fact]
    public async Task A_rule_that_needs_a_service_is_reported_with_the_sections_own_problems()
    {
        var (exitCode, errors) = await RunAsync(
            services => services.AddSingleton(new ReservedNames("front-desk"))
                .AddCheckedOptions<SampleOptions>(SampleOptions.Section)
                .CheckWith<SampleOptions, ReservedNames>((sample, reserved) => reserved.Clashes(sample)),
            ("Sample:Count", "11"), ("Sample:Name", "front-desk"));

        Assert.Equal(HostRunner.BadConfiguration, exitCode);
        Assert.Equal("error: Sample:Count must be 1-10 (got 11); Sample:Name 'front-desk' is reserved", Assert.Single(Lines(errors)));
    }

    [Fact]
    public void A_section_added_twice_reports_each_problem_once()
    {
        var services = Services(("Sample:Count", "0"));
        services.AddCheckedOptions<SampleOptions>(SampleOptions.Section);
        services.AddCheckedOptions<SampleOptions>(SampleOptions.Section);
        using var provider = services.BuildServiceProvider();

        var invalid = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SampleOptions>>().Value);

        Assert.Equal(["Sample:Count must be 1-10 (got 0)"], invalid.Failures);
    }

    [Fact]
    public void Valid_values_are_bound_from_the_section()
    {
        var services = Services(("Sample:Count", "7"), ("Sample:Name", "hall"));
        services.AddCheckedOptions<SampleOptions>(SampleOptions.Section);
        using var provider = services.BuildServiceProvider();

        var sample = provider.GetRequiredService<IOptions<SampleOptions>>().Value;

        Assert.Equal((7, "hall"), (sample.Count, sample.Name));
    }

    [Fact]
    public async Task A_refusal_before_the_host_is_built_is_the_same_one_line_and_exit_code()
    {
        var errors = new StringWriter();

        var exitCode = await HostRunner.RefuseAsync(errors, ["Provisioning:FleetUrl must be the fleet's https address", "second"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("error: Provisioning:FleetUrl must be the fleet's https address; second", Assert.Single(Lines(errors.ToString())));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ServiceCollection Services(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());
        return services;
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(Action<IServiceCollection> register, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        register(builder.Services);
        await using var app = builder.Build();
        var errors = new StringWriter();
        var exitCode = await HostRunner.RunAsync(app, errors).WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, errors.ToString());
    }

    private sealed class SampleOptions : ICheckedOptions
    {
        public const string Section = "Sample";

        public int Count { get; set; } = 1;

        public string Name { get; set; } = "counter";

        public IEnumerable<string> Validate()
        {
            if (Count is < 1 or > 10)
            {
                yield return $"{Section}:Count must be 1-10 (got {Count})";
            }

            if (string.IsNullOrWhiteSpace(Name))
            {
                yield return $"{Section}:Name must not be empty";
            }
        }
    }

    private sealed class ReservedNames(params string[] names)
    {
        public IEnumerable<string> Clashes(SampleOptions sample) =>
            names.Contains(sample.Name) ? [$"{SampleOptions.Section}:Name '{sample.Name}' is reserved"] : [];
    }
}
