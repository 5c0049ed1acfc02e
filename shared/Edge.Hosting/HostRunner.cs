using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Hosting;

/// <summary>
/// Runs a host (the device's or the fleet's) and gives every way it can end an exit code a supervisor understands:
/// a setting a person can fix is one <c>error:</c> line naming every problem's key (joined by "; ") and exit code
/// <see cref="BadConfiguration"/>; a background loop that threw, or anything else thrown out of the host, is a crash
/// (<see cref="CrashExitCode"/>), never the generic host's exit code 0 that systemd would take for a clean stop; a stop
/// asked for while the host was still starting is a stop, not a crash.
/// </summary>
public static class HostRunner
{
    /// <summary>A setting is wrong (EX_USAGE-like; what both hosts have always used).</summary>
    public const int BadConfiguration = 2;

    /// <summary>EX_SOFTWARE (sysexits.h): an internal error.</summary>
    public const int CrashExitCode = 70;

    /// <summary>A background loop that throws stops the host (not ignored), and <see cref="RunAsync"/> turns that into a non-zero exit.</summary>
    public static IServiceCollection StopHostOnCrash(this IServiceCollection services) =>
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);

    /// <summary>
    /// Refuses to start over settings a person can fix, before there is a host to run (the device's provisioning, which
    /// decides what the host will be): the same one line and exit code as a setting that fails in <see cref="RunAsync"/>.
    /// </summary>
    public static async Task<int> RefuseAsync(TextWriter errors, IEnumerable<string> problems)
    {
        await errors.WriteLineAsync($"error: {OneLine(problems)}");
        return BadConfiguration;
    }

    /// <summary>
    /// Runs <paramref name="app"/> (a web application or a generic host) to its end. <paramref name="explain"/> names the host's own start-up failures a person
    /// can fix (a port in use, a folder that cannot be written), beyond the option and binding errors both hosts share.
    /// </summary>
    public static async Task<int> RunAsync(IHost app, TextWriter errors, Func<Exception, StartFailure?>? explain = null)
    {
        try
        {
            // Validate every ValidateOnStart option before any service is built, so a bad setting gives one line, not a stack.
            app.Services.GetService<IStartupValidator>()?.Validate();
            var loops = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping; // read now: RunAsync disposes the host's services
            try
            {
                await app.RunAsync();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // A stop asked for while the host was still starting (SIGTERM, or a loop's StopApplication before the
                // server had bound): the start is cancelled, which is a stop, not a crash, unless a loop failed (below).
            }

            if (loops.FirstOrDefault(l => l.ExecuteTask is { IsFaulted: true }) is { } crashed)
            {
                var error = crashed.ExecuteTask!.Exception?.InnerException ?? crashed.ExecuteTask.Exception;
                await errors.WriteLineAsync($"error: {crashed.GetType().Name} failed: {error?.GetType().Name}: {error?.Message}");
                return Environment.ExitCode = CrashExitCode;
            }

            return Environment.ExitCode; // 0, or what a stop asked for (e.g. the device's restart command: 75)
        }
        catch (Exception ex) when ((Known(ex) ?? explain?.Invoke(ex)) is { } failure)
        {
            await errors.WriteLineAsync($"error: {failure.Message}");
            return failure.ExitCode;
        }
        catch (Exception ex)
        {
            await errors.WriteLineAsync($"error: the host crashed: {ex}");
            return Environment.ExitCode = CrashExitCode;
        }
    }

    /// <summary>The start-up failures both hosts share: options that do not validate, values that do not convert.</summary>
    private static StartFailure? Known(Exception ex) => ex switch
    {
        OptionsValidationException invalid => new StartFailure(OneLine(invalid.Failures), BadConfiguration),
        AggregateException all when all.InnerExceptions.Count > 0 && all.InnerExceptions.All(e => e is OptionsValidationException) =>
            new StartFailure(OneLine(all.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)), BadConfiguration),

        // The binder's own message names the key ("Failed to convert configuration value at 'Mqtt:Port' to type 'System.Int32'").
        InvalidOperationException conversion when conversion.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) =>
            new StartFailure(conversion.Message, BadConfiguration),
        _ => null,
    };

    /// <summary>Every problem on one line (a supervisor's log shows one line per failed start).</summary>
    private static string OneLine(IEnumerable<string> problems) => string.Join("; ", problems);
}

/// <summary>A start-up failure a person can fix: the sentence printed after <c>error:</c> on one line, and the exit code.</summary>
public sealed record StartFailure(string Message, int ExitCode);
