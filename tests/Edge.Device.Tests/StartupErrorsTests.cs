using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Device.Tests;

public sealed class StartupErrorsTests
{
    [Fact]
    public async Task A_background_loop_that_throws_stops_the_host_with_a_non_zero_exit_code()
    {
        var (exitCode, errors) = await RunHostWith<ThrowingLoop>();

        Assert.Equal(StartupErrors.CrashExitCode, exitCode);
        Assert.Contains("ThrowingLoop failed: InvalidDataException", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_stop_exits_with_zero()
    {
        var (exitCode, errors) = await RunHostWith<StoppingLoop>();

        Assert.True(exitCode == 0, $"exit code {exitCode}: {errors}");
    }

    [Fact]
    public async Task A_stop_asked_for_before_the_server_has_bound_exits_with_zero()
    {
        var (exitCode, errors) = await RunHostWith<StopWhileStarting>();

        Assert.True(exitCode == 0, $"exit code {exitCode}: {errors}");
    }

    private static async Task<(int ExitCode, string Errors)> RunHostWith<TLoop>()
        where TLoop : class, IHostedService
    {
        var before = Environment.ExitCode;
        var errors = new StringWriter();
        var stderr = Console.Error;
        try
        {
            Console.SetError(errors);
            Environment.ExitCode = 0;
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.StopHostOnCrash();
            builder.Services.AddHostedService<TLoop>();
            await using var app = builder.Build();
            var run = StartupErrors.RunAsync(app);
            return (await run.WaitAsync(TimeSpan.FromSeconds(60)), errors.ToString());
        }
        finally
        {
            Console.SetError(stderr);
            // The test host's own exit code must not inherit the crash under test.
            Environment.ExitCode = before;
        }
    }

    private sealed class ThrowingLoop : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new InvalidDataException("page type must be index page");
        }
    }

    private sealed class StoppingLoop(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            lifetime.StopApplication();
        }
    }

    /// <summary>Asks for a stop while the host starts, before Kestrel binds (as a SIGTERM during start-up does).</summary>
    private sealed class StopWhileStarting(IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
