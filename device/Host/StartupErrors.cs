using Microsoft.Extensions.Options;

namespace Edge.Device;

/// <summary>
/// Runs the host; a bad setting stops start-up with one clear line per problem, naming the key (exit code 2). A crash
/// (a background loop that threw, or anything thrown out of the host) exits with <see cref="CrashExitCode"/>: the
/// generic host would otherwise stop with exit code 0 and systemd would take a crash for a clean stop.
/// </summary>
public static class StartupErrors
{
    /// <summary>EX_SOFTWARE (sysexits.h): an internal error.</summary>
    public const int CrashExitCode = 70;

    /// <summary>A background loop that throws stops the host (not ignored), and <see cref="RunAsync"/> turns that into a non-zero exit.</summary>
    public static IServiceCollection StopHostOnCrash(this IServiceCollection services) =>
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);

    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            // Validate every ValidateOnStart option before any service is built, so a bad setting gives one line, not a stack.
            app.Services.GetService<IStartupValidator>()?.Validate();
            var loops = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            var stopping = app.Lifetime.ApplicationStopping; // read now: RunAsync disposes the host's services
            try
            {
                await app.RunAsync();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // A stop asked for while the host was still starting (SIGTERM, or a loop's StopApplication before Kestrel
                // had bound): the start is cancelled, which is a stop, not a crash, unless a loop failed (below).
            }

            if (loops.FirstOrDefault(l => l.ExecuteTask is { IsFaulted: true }) is { } crashed)
            {
                var error = crashed.ExecuteTask!.Exception?.InnerException ?? crashed.ExecuteTask.Exception;
                await Console.Error.WriteLineAsync($"error: {crashed.GetType().Name} failed: {error?.GetType().Name}: {error?.Message}");
                return Environment.ExitCode = CrashExitCode;
            }

            return Environment.ExitCode; // 0, or what a stop asked for (the restart command: 75)
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"error: {failure}");
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            // A value that does not convert, e.g. --Uplink:Port=abc.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 3;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"error: the host crashed: {ex}");
            return Environment.ExitCode = CrashExitCode;
        }
    }
}
